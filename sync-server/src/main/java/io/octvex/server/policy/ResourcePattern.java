package io.octvex.server.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A domain-scoped resource such as {@code https://*.billing.example.com/**}, matched against a canonical
 * {@link Target}. Host: exact, {@code *.suffix} (any subdomain at any depth, never the bare suffix), or
 * {@code *}. Port: as written, the scheme's default when omitted, {@code :*} for any. Path: {@code *} is one
 * segment, {@code **} any number of segments, omitted means {@code /**}. Scheme {@code *} means http or https.
 */
final class ResourcePattern {
    private final String source;
    private final String scheme;
    private final String host;
    private final Integer port;
    private final List<Pattern> segments; // null stands for the one ** segment, at anyIndex
    private final int anyIndex;

    private ResourcePattern(String source, String scheme, String host, Integer port, List<Pattern> segments,
                            int anyIndex) {
        this.source = source;
        this.scheme = scheme;
        this.host = host;
        this.port = port;
        this.segments = segments;
        this.anyIndex = anyIndex;
    }

    /** Parses a pattern; the exception's message says what is wrong, for the policy author. */
    static ResourcePattern parse(String pattern) {
        int sep = pattern == null ? -1 : pattern.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("a resource pattern looks like https://*.example.com/path/**, got '"
                    + pattern + "'");
        }
        String scheme = pattern.substring(0, sep).toLowerCase(Locale.ROOT);
        if (!List.of("http", "https", "*").contains(scheme)) {
            throw new IllegalArgumentException("the scheme of '" + pattern + "' must be http, https or *");
        }
        String rest = pattern.substring(sep + 3);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "/**" : rest.substring(slash);
        if (authority.contains("@")) {
            throw new IllegalArgumentException("'" + pattern + "' must not contain user information");
        }
        Integer port = null;
        String hostPart = authority;
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && !authority.endsWith("]")) {
            String p = authority.substring(colon + 1);
            hostPart = authority.substring(0, colon);
            if (p.equals("*")) {
                port = -1;
            } else if (p.matches("\\d{1,5}") && Integer.parseInt(p) >= 1 && Integer.parseInt(p) <= 65535) {
                port = Integer.parseInt(p);
            } else {
                throw new IllegalArgumentException("the port of '" + pattern + "' must be 1-65535 or *");
            }
        }
        String host;
        if (hostPart.equals("*")) {
            host = "*";
        } else if (hostPart.startsWith("*.")) {
            host = "*." + Target.canonicalHost(hostPart.substring(2)).orElseThrow(() -> badHost(pattern));
        } else if (hostPart.contains("*")) {
            throw new IllegalArgumentException("in '" + pattern + "' a * may only stand for whole leading labels"
                    + " (*.example.com) or for any host (*)");
        } else {
            host = Target.canonicalHost(hostPart).orElseThrow(() -> badHost(pattern));
        }
        List<Pattern> segments = new ArrayList<>();
        int anyIndex = -1;
        String[] parts = path.split("/", -1);
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i];
            if (part.equals("**")) {
                if (anyIndex >= 0) {
                    throw new IllegalArgumentException("'" + pattern + "' may use ** only once");
                }
                anyIndex = segments.size();
                segments.add(null);
            } else if (part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("'" + pattern + "' must not contain . or .. segments");
            } else {
                segments.add(Pattern.compile(java.util.Arrays.stream(part.split("\\*", -1)).map(Pattern::quote)
                        .reduce((a, b) -> a + "[^/]*" + b).orElse("")));
            }
        }
        return new ResourcePattern(pattern, scheme, host, port, java.util.Collections.unmodifiableList(segments), anyIndex);
    }

    private static IllegalArgumentException badHost(String pattern) {
        return new IllegalArgumentException("the host of '" + pattern + "' is not a valid host name");
    }

    boolean matches(Target target) {
        if (!scheme.equals("*") && !scheme.equals(target.scheme())) {
            return false;
        }
        int wantedPort = port == null ? Target.defaultPort(target.scheme()) : port;
        if (wantedPort != -1 && wantedPort != target.port()) {
            return false;
        }
        if (host.startsWith("*.")) {
            if (!target.host().endsWith(host.substring(1))) {
                return false;
            }
        } else if (!host.equals("*") && !host.equals(target.host())) {
            return false;
        }
        return pathMatches(target.path());
    }

    private boolean pathMatches(String path) {
        List<String> parts = List.of(path.substring(1).split("/", -1));
        if (anyIndex < 0) {
            return parts.size() == segments.size() && matchRange(parts, 0, 0, segments.size());
        }
        int after = segments.size() - anyIndex - 1;
        if (parts.size() < anyIndex + after) {
            return false;
        }
        return matchRange(parts, 0, 0, anyIndex)
                && matchRange(parts, parts.size() - after, anyIndex + 1, after);
    }

    private boolean matchRange(List<String> parts, int from, int patternFrom, int count) {
        for (int i = 0; i < count; i++) {
            if (!segments.get(patternFrom + i).matcher(parts.get(from + i)).matches()) {
                return false;
            }
        }
        return true;
    }

    /** Matches a raw URL: a URL that cannot be read one way only matches nothing. */
    boolean matches(String url) {
        Target.Parsed parsed = Target.parse(url);
        return parsed.target() != null && matches(parsed.target());
    }

    @Override
    public String toString() {
        return source;
    }
}
