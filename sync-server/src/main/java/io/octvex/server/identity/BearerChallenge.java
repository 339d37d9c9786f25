package io.octvex.server.identity;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;

/** The {@code WWW-Authenticate} challenges a 401 carries. */
public final class BearerChallenge {
    /** The REST API's challenge. */
    public static final String API = "Bearer realm=\"octvex\"";
    /** Where the MCP endpoint's RFC 9728 protected-resource metadata lives, relative to the server's base. */
    public static final String MCP_METADATA_PATH = "/.well-known/oauth-protected-resource";

    private BearerChallenge() {}

    /**
     * The MCP endpoint's challenge (RFC 9728 §5.1): it names the protected-resource metadata document. The base
     * comes from the request, whose Host the MCP filter has already checked against the allowed hosts.
     */
    public static String forMcp(HttpServletRequest request) {
        return API + ", resource_metadata=\"" + base(request) + MCP_METADATA_PATH + "\"";
    }

    /** {@code scheme://host[:port][context path]} of the request, as the client addressed it. */
    public static String base(HttpServletRequest request) {
        String host = request.getHeader(HttpHeaders.HOST);
        if (host == null || host.isBlank()) {
            host = request.getServerName() + ":" + request.getServerPort();
        }
        return request.getScheme() + "://" + host + request.getContextPath();
    }
}
