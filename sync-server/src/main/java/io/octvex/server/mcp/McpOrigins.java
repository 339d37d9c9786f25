package io.octvex.server.mcp;

import io.modelcontextprotocol.server.transport.ServerTransportSecurityException;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityValidator;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * DNS-rebinding protection for the MCP endpoint. The Host must name this server: a loopback name, or one of
 * the configured hosts ({@code octvex.mcp.allowed-hosts}). An Origin, when a browser sends one, must be a
 * loopback origin or one of the configured origins ({@code octvex.mcp.allowed-origins}); {@code Origin: null}
 * is refused. Non-browser clients send no Origin and pass. Used by {@link McpRequestFilter} before any
 * authentication, and again inside the SDK's transport.
 */
final class McpOrigins implements ServerTransportSecurityValidator {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final Set<String> hosts;
    private final Set<String> origins;

    McpOrigins(List<String> allowedHosts, List<String> allowedOrigins) {
        this.hosts = allowedHosts.stream().map(String::strip).filter(h -> !h.isEmpty())
                .map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.origins = allowedOrigins.stream().map(String::strip).filter(o -> !o.isEmpty())
                .map(McpOrigins::normalOrigin).flatMap(Optional::stream).collect(Collectors.toUnmodifiableSet());
    }

    /** Why the request must be refused, or empty when it may go on. */
    Optional<String> refusal(String host, String origin) {
        if (host == null || !hostAllowed(host)) {
            return Optional.of("this server does not answer to the host '" + clip(host) + "' (DNS-rebinding "
                    + "protection); add it to octvex.mcp.allowed-hosts");
        }
        if (origin != null && !originAllowed(origin)) {
            return Optional.of("requests from the origin '" + clip(origin) + "' are not allowed; add it to "
                    + "octvex.mcp.allowed-origins");
        }
        return Optional.empty();
    }

    boolean hostAllowed(String hostHeader) {
        String name = hostName(hostHeader.strip().toLowerCase(Locale.ROOT));
        return name != null && (LOOPBACK.contains(name) || hosts.contains(name)
                || hosts.contains(hostHeader.strip().toLowerCase(Locale.ROOT)));
    }

    boolean originAllowed(String origin) {
        Optional<String> normal = normalOrigin(origin);
        if (normal.isEmpty()) {
            return false;
        }
        if (origins.contains(normal.get())) {
            return true;
        }
        URI uri = URI.create(normal.get());
        return LOOPBACK.contains(uri.getHost());
    }

    @Override
    public void validateHeaders(Map<String, List<String>> headers) throws ServerTransportSecurityException {
        String host = null;
        String origin = null;
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getValue() == null || e.getValue().isEmpty()) {
                continue;
            }
            if ("host".equalsIgnoreCase(e.getKey())) {
                host = e.getValue().getFirst();
            } else if ("origin".equalsIgnoreCase(e.getKey())) {
                origin = e.getValue().getFirst();
            }
        }
        Optional<String> refusal = refusal(host, origin);
        if (refusal.isPresent()) {
            throw new ServerTransportSecurityException(403, refusal.get());
        }
    }

    /** {@code host} of {@code host[:port]} or {@code [v6]:port}; null when malformed. */
    private static String hostName(String header) {
        if (header.isEmpty() || header.contains("/") || header.contains("@")) {
            return null;
        }
        if (header.startsWith("[")) {
            int end = header.indexOf(']');
            return end < 0 ? null : header.substring(0, end + 1);
        }
        int colon = header.indexOf(':');
        return colon < 0 ? header : header.substring(0, colon);
    }

    /** {@code scheme://host[:port]} in lower case, for http(s) origins only. */
    private static Optional<String> normalOrigin(String origin) {
        try {
            URI uri = new URI(origin.strip());
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!("http".equals(scheme) || "https".equals(scheme)) || uri.getHost() == null
                    || uri.getRawUserInfo() != null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty()
                    && !uri.getRawPath().equals("/"))) {
                return Optional.empty();
            }
            return Optional.of(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT)
                    + (uri.getPort() < 0 ? "" : ":" + uri.getPort()));
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static String clip(String value) {
        if (value == null) {
            return "";
        }
        String printable = value.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 80 ? printable.substring(0, 80) + "…" : printable;
    }
}
