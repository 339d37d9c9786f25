package io.octvex.server.stepup;

import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The server as a WebAuthn relying party. {@code octvex.webauthn.origin} is the server's public
 * scheme://host:port as browsers see it (default {@code http://localhost:<port>}: localhost is a secure context;
 * any other host needs https); {@code octvex.webauthn.rp-id} defaults to its host. The port is read when asked,
 * since it is only known once the web server listens.
 */
@Component
class RelyingPartySettings {
    private static final Logger log = LoggerFactory.getLogger(RelyingPartySettings.class);

    private final String origin;
    private final String rpId;
    private final String rpName;
    private final Environment environment;

    RelyingPartySettings(@Value("${octvex.webauthn.origin:}") String origin,
                         @Value("${octvex.webauthn.rp-id:}") String rpId,
                         @Value("${octvex.webauthn.rp-name:Octvex}") String rpName, Environment environment) {
        this.origin = origin.isBlank() ? null : origin.strip().replaceAll("/+$", "");
        this.rpId = rpId.isBlank() ? null : rpId.strip();
        this.rpName = rpName;
        this.environment = environment;
        if (this.origin != null) {
            URI uri = URI.create(this.origin);
            if (!"https".equals(uri.getScheme()) && !"localhost".equals(uri.getHost())) {
                log.warn("octvex.webauthn.origin {} is neither https nor localhost: browsers refuse WebAuthn there",
                        this.origin);
            }
        }
    }

    String origin() {
        return origin != null ? origin : "http://localhost:"
                + environment.getProperty("local.server.port", environment.getProperty("server.port", "7700"));
    }

    String rpId() {
        return rpId != null ? rpId : URI.create(origin()).getHost();
    }

    String rpName() {
        return rpName;
    }
}
