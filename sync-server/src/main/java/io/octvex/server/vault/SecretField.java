package io.octvex.server.vault;

import java.util.Locale;

/** The parts of a secret's value; which a secret has depends on its kind. */
public enum SecretField {
    VALUE, USERNAME, PASSWORD, HEADER, TOKEN;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
