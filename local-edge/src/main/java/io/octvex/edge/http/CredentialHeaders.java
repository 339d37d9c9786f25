package io.octvex.edge.http;

import io.octvex.edge.handler.StepContext;
import io.octvex.edge.handler.StepFailure;
import java.net.URI;
import java.util.Map;

/**
 * Where the {@code http} handler gets secret request headers ({@code Authorization}, API keys) for a step,
 * so that the step's spec names a credential but never contains it.
 *
 * <p>The vault issue fills this in: core resolves the credentials an action names just in time and seals them
 * to this edge's X25519 key; the sealed values travel with the {@link io.octvex.protocol.Lease}; an
 * implementation opens them with the edge's private key ({@link io.octvex.edge.identity.EdgeIdentity#sealingKey()})
 * and returns the headers. The handler merges them over the step's own headers (a credential header wins over a
 * step header of the same name), sends them only to the step's target origin (they are dropped when a redirect
 * leaves it), and never puts them in results, errors or logs.
 */
@FunctionalInterface
public interface CredentialHeaders {
    /** No credentials: the step's own headers only. */
    CredentialHeaders NONE = (step, target) -> Map.of();

    /**
     * The secret headers for a request this step makes to {@code target}.
     *
     * @throws StepFailure when the step names a credential that cannot be opened (missing, not sealed to this
     *                     edge, expired) — with a message that does not contain the secret
     */
    Map<String, String> headers(StepContext step, URI target) throws StepFailure;
}
