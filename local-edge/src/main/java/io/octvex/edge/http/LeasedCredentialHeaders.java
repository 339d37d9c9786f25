package io.octvex.edge.http;

import io.octvex.edge.handler.StepContext;
import io.octvex.edge.handler.StepFailure;
import io.octvex.protocol.CredentialRef;
import io.octvex.protocol.Json;
import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The credential headers of a leased step: each of the lease's credentials is redeemed just before the
 * request and opened with this edge's key (the server sealed one header to it), then the opened bytes are
 * wiped. Nothing is cached: a retried or redirected request redeems again, and a revoked lease refuses.
 */
public final class LeasedCredentialHeaders implements CredentialHeaders {
    @Override
    public Map<String, String> headers(StepContext step, URI target) throws StepFailure {
        Map<String, String> headers = new LinkedHashMap<>();
        for (CredentialRef ref : step.lease().credentials()) {
            byte[] material = step.credential(ref);
            try {
                JsonNode header = Json.tree(new String(material, java.nio.charset.StandardCharsets.UTF_8));
                headers.put(header.path("header").asString(), header.path("value").asString());
            } catch (RuntimeException e) {
                throw new StepFailure("credential '" + ref.secret() + "' arrived in a form this edge cannot read");
            } finally {
                Arrays.fill(material, (byte) 0);
            }
        }
        return headers;
    }
}
