package io.octvex.desk.unlock;

import java.util.Locale;

/** How the Desk key is released; {@link #PASSPHRASE} is the last resort that works everywhere. */
public enum Method {
    KEYCHAIN("the OS keychain"),
    WEBAUTHN("WebAuthn"),
    PASSPHRASE("a passphrase");

    private final String words;

    Method(String words) {
        this.words = words;
    }

    /** For sentences: "Unlocked with " + words(). */
    public String words() {
        return words;
    }

    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Method fromWire(String wire) {
        for (Method m : values()) {
            if (m.wire().equals(wire)) {
                return m;
            }
        }
        return null;
    }
}
