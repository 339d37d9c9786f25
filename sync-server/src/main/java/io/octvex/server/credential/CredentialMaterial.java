package io.octvex.server.credential;

import io.octvex.protocol.SecretKind;
import io.octvex.server.vault.SecretField;
import io.octvex.server.vault.SecretMaterial;
import io.octvex.server.web.ApiException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * What a credential becomes for its use, as UTF-8 JSON built from the secret's bytes without ever making a
 * {@link String} of them, so every copy can be wiped: one header — {@code {"header": "Authorization",
 * "value": "Bearer …"}} — or one field — {@code {"value": "…"}}. This is what is sealed to the edge.
 */
final class CredentialMaterial {
    private CredentialMaterial() {}

    /** The caller wipes the answer once it is sealed. */
    static byte[] of(SecretMaterial material, CredentialUse use) {
        SecretKind kind = material.kind();
        return switch (use.as()) {
            case "field" -> {
                SecretField field = SecretField.valueOf(use.field().toUpperCase(java.util.Locale.ROOT));
                if (!material.fields().contains(field)) {
                    throw ApiException.badRequest("secret '" + use.secret() + "' is a " + kind.wire()
                            + " secret; it has no '" + use.field() + "'");
                }
                yield json(null, material.bytes(field));
            }
            case "bearer" -> json(ascii("Authorization"), prefixed("Bearer ", field(material,
                    kind == SecretKind.BEARER || kind == SecretKind.OAUTH ? SecretField.TOKEN : kind == SecretKind.OPAQUE ? SecretField.VALUE : null,
                    use)));
            case "basic" -> {
                if (kind != SecretKind.USERNAME_PASSWORD) {
                    throw unusable(use, kind);
                }
                byte[] user = material.bytes(SecretField.USERNAME);
                byte[] password = material.bytes(SecretField.PASSWORD);
                byte[] joined = new byte[user.length + 1 + password.length];
                System.arraycopy(user, 0, joined, 0, user.length);
                joined[user.length] = ':';
                System.arraycopy(password, 0, joined, user.length + 1, password.length);
                byte[] encoded = Base64.getEncoder().encode(joined);
                wipe(user, password, joined);
                yield json(ascii("Authorization"), prefixed("Basic ", encoded));
            }
            default -> kind == SecretKind.HTTP_HEADER
                    ? json(material.bytes(SecretField.HEADER), material.bytes(SecretField.VALUE))
                    : json(ascii(use.header()), field(material, kind == SecretKind.BEARER || kind == SecretKind.OAUTH ? SecretField.TOKEN
                    : kind == SecretKind.OPAQUE ? SecretField.VALUE : null, use));
        };
    }

    private static byte[] field(SecretMaterial material, SecretField field, CredentialUse use) {
        if (field == null) {
            throw unusable(use, material.kind());
        }
        return material.bytes(field);
    }

    private static ApiException unusable(CredentialUse use, SecretKind kind) {
        return ApiException.badRequest("secret '" + use.secret() + "' is a " + kind.wire() + " secret; \"as\": \""
                + use.as() + "\" needs " + switch (use.as()) {
                    case "basic" -> "a username_password secret";
                    case "bearer" -> "a bearer or opaque secret";
                    default -> "an http_header, bearer or opaque secret";
                });
    }

    /** Takes ownership of {@code header} (null: a field alone) and {@code value}: they are wiped here. */
    private static byte[] json(byte[] header, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((header == null ? 0 : header.length) + value.length + 32);
        out.writeBytes(ascii("{"));
        if (header != null) {
            out.writeBytes(ascii("\"header\":\""));
            escaped(header, out);
            out.writeBytes(ascii("\","));
        }
        out.writeBytes(ascii("\"value\":\""));
        escaped(value, out);
        out.writeBytes(ascii("\"}"));
        wipe(header, value);
        byte[] json = out.toByteArray();
        // ByteArrayOutputStream keeps its own buffer: overwrite it too before it is dropped
        out.reset();
        out.writeBytes(new byte[json.length]);
        return json;
    }

    private static void escaped(byte[] utf8, ByteArrayOutputStream out) {
        for (byte b : utf8) {
            if (b == '"' || b == '\\') {
                out.write('\\');
                out.write(b);
            } else if (b >= 0 && b < 0x20) {
                out.writeBytes(ascii(String.format("\\u%04x", (int) b)));
            } else {
                out.write(b);
            }
        }
    }

    private static byte[] prefixed(String prefix, byte[] value) {
        byte[] p = ascii(prefix);
        byte[] joined = Arrays.copyOf(p, p.length + value.length);
        System.arraycopy(value, 0, joined, p.length, value.length);
        wipe(value);
        return joined;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static void wipe(byte[]... arrays) {
        for (byte[] a : arrays) {
            if (a != null) {
                Arrays.fill(a, (byte) 0);
            }
        }
    }
}
