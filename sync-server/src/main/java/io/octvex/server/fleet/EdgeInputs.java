package io.octvex.server.fleet;

import io.octvex.protocol.EnrollEdge;
import io.octvex.server.web.ApiException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Checks what an edge says about itself, each refusal a 400 that names the field and the rule. */
final class EdgeInputs {
    static final Pattern LABEL_KEY = Pattern.compile("^[a-z0-9][a-z0-9._/-]{0,62}$");
    /** A handler name: lower case, as steps name them ({@code http}, {@code browser}, {@code child_run}). */
    static final Pattern HANDLER = Pattern.compile("^[a-z][a-z0-9_.-]{0,63}$");
    static final int MAX_LABELS = 50;
    static final int MAX_LABEL_VALUE = 200;
    static final int MAX_CAPABILITIES = 32;
    static final int MAX_CAPACITY = 256;

    private EdgeInputs() {}

    record Introduction(String name, Map<String, String> labels, List<String> capabilities, int capacity,
                        byte[] sealingKey, String version) {}

    static Introduction check(EnrollEdge request) {
        String name = text("name", request.name(), 100, true);
        Map<String, String> labels = labels(request.labels());
        List<String> capabilities = capabilities(request.capabilities());
        if (request.capacity() < 1 || request.capacity() > MAX_CAPACITY) {
            throw ApiException.badRequest("'capacity' must be between 1 and " + MAX_CAPACITY
                    + " (steps run at once), got " + request.capacity());
        }
        return new Introduction(name, labels, capabilities, request.capacity(), sealingKey(request.sealingKey()),
                text("version", request.version(), 64, false));
    }

    static Map<String, String> labels(Map<String, String> labels) {
        if (labels == null) {
            return Map.of();
        }
        if (labels.size() > MAX_LABELS) {
            throw ApiException.badRequest("'labels' has " + labels.size() + " entries; at most " + MAX_LABELS
                    + " are allowed");
        }
        Map<String, String> clean = new TreeMap<>();
        for (Map.Entry<String, String> label : labels.entrySet()) {
            if (!LABEL_KEY.matcher(label.getKey()).matches()) {
                throw ApiException.badRequest("'labels' has the key '" + printable(label.getKey()) + "'; a label key"
                        + " is 1 to 63 lower-case letters, digits, '.', '_', '/' or '-', starting with a letter or digit");
            }
            String value = label.getValue();
            if (value == null || value.length() > MAX_LABEL_VALUE || hasControl(value)) {
                throw ApiException.badRequest("'labels." + label.getKey() + "' must be a text of at most "
                        + MAX_LABEL_VALUE + " characters without control characters");
            }
            clean.put(label.getKey(), value);
        }
        return clean;
    }

    static List<String> capabilities(List<String> capabilities) {
        if (capabilities == null || capabilities.isEmpty()) {
            throw ApiException.badRequest("'capabilities' must name at least one handler the edge runs, e.g. [\"http\"]");
        }
        if (capabilities.size() > MAX_CAPABILITIES) {
            throw ApiException.badRequest("'capabilities' names " + capabilities.size() + " handlers; at most "
                    + MAX_CAPABILITIES + " are allowed");
        }
        Set<String> unique = new LinkedHashSet<>();
        for (String handler : capabilities) {
            if (handler == null || !HANDLER.matcher(handler).matches()) {
                throw ApiException.badRequest("'capabilities' has '" + (handler == null ? "null" : printable(handler))
                        + "', which is not a handler name: 1 to 64 lower-case letters, digits, '_', '.' or '-',"
                        + " starting with a letter");
            }
            unique.add(handler);
        }
        return new ArrayList<>(unique);
    }

    /** The edge's X25519 public key: base64 (standard or URL-safe) of exactly 32 bytes. */
    static byte[] sealingKey(String base64) {
        if (base64 == null || base64.isBlank()) {
            throw ApiException.badRequest("'sealingKey' is required: the edge's X25519 public key, base64 of 32 bytes");
        }
        byte[] key;
        try {
            key = base64.contains("-") || base64.contains("_") ? Base64.getUrlDecoder().decode(base64.strip())
                    : Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("'sealingKey' is not valid base64");
        }
        if (key.length != 32) {
            throw ApiException.badRequest("'sealingKey' must decode to 32 bytes (an X25519 public key), got " + key.length);
        }
        return key;
    }

    /** Trimmed, 1 to {@code max} characters without control characters; null allowed unless required. */
    static String text(String field, String value, int max, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                throw ApiException.badRequest("'" + field + "' is required (1 to " + max + " characters)");
            }
            return null;
        }
        String trimmed = value.strip();
        if (trimmed.length() > max) {
            throw ApiException.badRequest("'" + field + "' has " + trimmed.length() + " characters; at most " + max
                    + " are allowed");
        }
        if (hasControl(trimmed)) {
            throw ApiException.badRequest("'" + field + "' must not contain control characters");
        }
        return trimmed;
    }

    static boolean hasControl(String value) {
        return value.chars().anyMatch(Character::isISOControl);
    }

    static String printable(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < 70; i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) ? String.format("U+%04X", (int) c) : String.valueOf(c));
        }
        return out.length() >= 70 ? out.substring(0, 67) + "..." : out.toString();
    }
}
