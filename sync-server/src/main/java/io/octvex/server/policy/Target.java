package io.octvex.server.policy;

import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A URL reduced to what policy may match on: scheme, host in canonical ASCII form, effective port, and a
 * path with dot-segments resolved. Anything a browser and a policy engine could read two ways (userinfo
 * tricks, numeric host spellings, encoded slashes, traversal above the root) is refused rather than guessed.
 */
record Target(String scheme, String host, int port, String path) {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    /** The canonical target, or empty (with the reason) when the URL cannot be matched safely. */
    static Parsed parse(String url) {
        if (url == null || url.isBlank() || url.length() > 8192) {
            return Parsed.refused("the URL is empty or too long");
        }
        if (url.chars().anyMatch(c -> c < 0x21 || c == 0x7f || c == '\\')) {
            return Parsed.refused("the URL contains whitespace, control characters or a backslash");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Parsed.refused("the URL is malformed: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Parsed.refused("only http and https URLs can be matched");
        }
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            return Parsed.refused("the URL has no host");
        }
        // userinfo never names the host: "https://bank.example@evil.example/" goes to evil.example
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        Optional<HostPort> parsed = hostPort(hostPort, scheme);
        if (parsed.isEmpty()) {
            return Parsed.refused("the host or port is not valid");
        }
        Optional<String> path = path(uri.getRawPath());
        if (path.isEmpty()) {
            return Parsed.refused("the path escapes its root or hides a slash");
        }
        return new Parsed(new Target(scheme, parsed.get().host(), parsed.get().port(), path.get()), null);
    }

    record Parsed(Target target, String refusal) {
        static Parsed refused(String reason) {
            return new Parsed(null, reason);
        }
    }

    private record HostPort(String host, int port) {}

    private static Optional<HostPort> hostPort(String raw, String scheme) {
        if (raw.startsWith("[")) { // IPv6 literals are matched only literally
            int end = raw.indexOf(']');
            if (end < 0) {
                return Optional.empty();
            }
            return port(raw.substring(end + 1), scheme).map(p -> new HostPort(raw.substring(0, end + 1)
                    .toLowerCase(Locale.ROOT), p));
        }
        int colon = raw.lastIndexOf(':');
        String host = colon < 0 ? raw : raw.substring(0, colon);
        Optional<Integer> port = port(colon < 0 ? "" : raw.substring(colon), scheme);
        return port.flatMap(p -> canonicalHost(host).map(h -> new HostPort(h, p)));
    }

    private static Optional<Integer> port(String raw, String scheme) {
        if (raw.isEmpty() || raw.equals(":")) {
            return Optional.of(defaultPort(scheme));
        }
        if (!raw.startsWith(":") || raw.length() > 6 || !raw.substring(1).chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        int port = Integer.parseInt(raw.substring(1));
        return port >= 1 && port <= 65535 ? Optional.of(port) : Optional.empty();
    }

    static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    /**
     * Lower case, percent-decoded, IDN to punycode, one trailing dot dropped. Numeric spellings other than a
     * plain dotted quad (2130706433, 0x7f.1, 017.0.0.1) are refused: resolvers disagree on what they mean.
     */
    static Optional<String> canonicalHost(String raw) {
        String decoded;
        try {
            decoded = java.net.URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (decoded.endsWith(".")) {
            decoded = decoded.substring(0, decoded.length() - 1);
        }
        if (decoded.isEmpty() || decoded.contains("..")) {
            return Optional.empty();
        }
        String ascii;
        try {
            ascii = IDN.toASCII(decoded, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (ascii.length() > 253) {
            return Optional.empty();
        }
        if (IPV4.matcher(ascii).matches()) {
            return Optional.of(ascii);
        }
        String[] labels = ascii.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return Optional.empty();
            }
        }
        String last = labels[labels.length - 1];
        if (last.chars().allMatch(Character::isDigit) || last.startsWith("0x")) {
            return Optional.empty(); // a numeric top label is an IP in disguise
        }
        return Optional.of(ascii);
    }

    /** Decodes each segment, refuses encoded slashes and NULs, resolves "." and "..", never above the root. */
    static Optional<String> path(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return Optional.of("/");
        }
        List<String> out = new ArrayList<>();
        String[] segments = rawPath.split("/", -1);
        for (int i = 1; i < segments.length; i++) {
            String segment;
            try {
                segment = java.net.URLDecoder.decode(segments[i].replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            if (segment.indexOf('/') >= 0 || segment.indexOf('\\') >= 0 || segment.indexOf('\0') >= 0) {
                return Optional.empty();
            }
            if (segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (out.isEmpty()) {
                    return Optional.empty();
                }
                out.removeLast();
                continue;
            }
            out.add(segment);
        }
        boolean trailingSlash = rawPath.endsWith("/") && !out.isEmpty();
        return Optional.of("/" + String.join("/", out) + (trailingSlash ? "/" : ""));
    }
}
