package io.octvex.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What a vault secret holds, which says which value fields it takes: {@code opaque} a value,
 * {@code username_password} a username and a password, {@code http_header} a header name and a value,
 * {@code bearer} a token. {@code oauth} connections are made by the OAuth flow, never through the secrets API.
 */
public enum SecretKind {
    OPAQUE, USERNAME_PASSWORD, HTTP_HEADER, BEARER, OAUTH;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static SecretKind fromWire(String value) {
        return Wire.parse(SecretKind.class, value);
    }
}
