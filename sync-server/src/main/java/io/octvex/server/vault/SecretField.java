package io.octvex.server.vault;

import java.util.Locale;

/**
 * The parts of a secret's value; which a secret has depends on its kind. An {@code oauth} connection holds its
 * access token as {@link #TOKEN} and its refresh token (possibly empty) as {@link #REFRESH_TOKEN}.
 */
public enum SecretField {
    VALUE, USERNAME, PASSWORD, HEADER, TOKEN, REFRESH_TOKEN;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
