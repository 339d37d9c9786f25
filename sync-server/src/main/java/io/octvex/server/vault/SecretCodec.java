package io.octvex.server.vault;

import io.octvex.protocol.SecretKind;
import io.octvex.server.web.ApiException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A secret's fields as the plaintext that gets sealed: {@code format, kind, then each field of the kind as
 * (length, UTF-8 bytes)} in a fixed order. Checks each field for its kind; refusals name the field and the
 * rule, never the content.
 */
final class SecretCodec {
    private static final byte FORMAT = 1;
    static final Map<SecretKind, List<SecretField>> FIELDS = Map.of(
            SecretKind.OPAQUE, List.of(SecretField.VALUE),
            SecretKind.USERNAME_PASSWORD, List.of(SecretField.USERNAME, SecretField.PASSWORD),
            SecretKind.HTTP_HEADER, List.of(SecretField.HEADER, SecretField.VALUE),
            SecretKind.BEARER, List.of(SecretField.TOKEN),
            SecretKind.OAUTH, List.of(SecretField.TOKEN, SecretField.REFRESH_TOKEN));
    /** Fields that may be empty: a provider need not issue a refresh token. */
    private static final List<SecretField> OPTIONAL = List.of(SecretField.REFRESH_TOKEN);
    private static final int MAX_HEADER_NAME = 256;
    private static final int MAX_USERNAME = 1024;

    private SecretCodec() {}

    /** The plaintext for {@code kind} from {@code given}; the caller wipes both the input and the result. */
    static byte[] encode(SecretKind kind, Map<SecretField, char[]> given, long maxBytes) {
        List<SecretField> fields = FIELDS.get(kind);
        for (SecretField field : given.keySet()) {
            if (!fields.contains(field)) {
                throw ApiException.badRequest("'" + field.wire() + "' does not belong to a " + kind.wire()
                        + " secret, which takes " + names(fields));
            }
        }
        EnumMap<SecretField, byte[]> encoded = new EnumMap<>(SecretField.class);
        try {
            long total = 0;
            for (SecretField field : fields) {
                char[] value = given.get(field);
                if (OPTIONAL.contains(field) && (value == null || value.length == 0)) {
                    encoded.put(field, new byte[0]);
                    continue;
                }
                if (value == null || value.length == 0) {
                    throw ApiException.badRequest("'" + field.wire() + "' is required: a " + kind.wire()
                            + " secret takes " + names(fields));
                }
                check(kind, field, value);
                byte[] bytes;
                try {
                    bytes = Utf8.encode(value);
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("'" + field.wire() + "' is " + e.getMessage());
                }
                encoded.put(field, bytes);
                total += bytes.length;
            }
            if (total > maxBytes) {
                throw ApiException.badRequest("the secret's value is " + total + " bytes; at most " + maxBytes
                        + " are accepted (octvex.vault.max-value-size)");
            }
            ByteBuffer out = ByteBuffer.allocate((int) (2 + 4 * fields.size() + total));
            out.put(FORMAT).put(code(kind));
            for (SecretField field : fields) {
                out.putInt(encoded.get(field).length).put(encoded.get(field));
            }
            return out.array();
        } finally {
            encoded.values().forEach(b -> Arrays.fill(b, (byte) 0));
        }
    }

    /** The material in {@code plaintext}, which must be of {@code kind}; wipes nothing (the caller does). */
    static SecretMaterial decode(byte[] plaintext, SecretKind kind, long version) {
        ByteBuffer in = ByteBuffer.wrap(plaintext);
        if (plaintext.length < 2 || in.get() != FORMAT || in.get() != code(kind)) {
            throw new SealBrokenException("the opened value is not a " + kind.wire() + " secret of a known format");
        }
        EnumMap<SecretField, byte[]> fields = new EnumMap<>(SecretField.class);
        try {
            for (SecretField field : FIELDS.get(kind)) {
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) {
                    throw new SealBrokenException("the opened value is truncated");
                }
                byte[] bytes = new byte[length];
                in.get(bytes);
                fields.put(field, bytes);
            }
        } catch (java.nio.BufferUnderflowException e) {
            fields.values().forEach(b -> Arrays.fill(b, (byte) 0));
            throw new SealBrokenException("the opened value is truncated");
        }
        return new SecretMaterial(kind, version, fields);
    }

    /** Values end up in HTTP headers on an edge: no line breaks there, and header names are tokens. */
    private static void check(SecretKind kind, SecretField field, char[] value) {
        switch (field) {
            case HEADER -> {
                if (value.length > MAX_HEADER_NAME || !allMatch(value, SecretCodec::tchar)) {
                    throw ApiException.badRequest("'header' must be an HTTP header name of up to " + MAX_HEADER_NAME
                            + " letters, digits and !#$%&'*+-.^_`|~ (e.g. X-Api-Key)");
                }
            }
            case USERNAME -> {
                if (value.length > MAX_USERNAME || !allMatch(value, c -> c != ':' && !Character.isISOControl(c))) {
                    throw ApiException.badRequest("'username' must be up to " + MAX_USERNAME
                            + " characters without ':' or control characters (HTTP basic authentication)");
                }
            }
            case TOKEN, REFRESH_TOKEN -> {
                if (!allMatch(value, c -> c > ' ' && c != 0x7f)) {
                    throw ApiException.badRequest("'" + field.wire() + "' must not contain spaces, line breaks or control characters");
                }
            }
            case VALUE -> {
                if (kind == SecretKind.HTTP_HEADER && !allMatch(value, c -> c == '\t' || !Character.isISOControl(c))) {
                    throw ApiException.badRequest("'value' of an http_header secret must not contain line breaks "
                            + "or control characters");
                }
            }
            case PASSWORD -> { }
        }
    }

    /** Stable codes, independent of the enum's order. */
    private static byte code(SecretKind kind) {
        return switch (kind) {
            case OPAQUE -> 1;
            case USERNAME_PASSWORD -> 2;
            case HTTP_HEADER -> 3;
            case BEARER -> 4;
            case OAUTH -> 5;
        };
    }

    private static boolean tchar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean allMatch(char[] value, CharPredicate test) {
        for (char c : value) {
            if (!test.test(c)) {
                return false;
            }
        }
        return true;
    }

    private interface CharPredicate {
        boolean test(char c);
    }

    private static String names(List<SecretField> fields) {
        return String.join(" and ", fields.stream().map(f -> "'" + f.wire() + "'").toList());
    }
}
