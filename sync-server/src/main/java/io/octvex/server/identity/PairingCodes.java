package io.octvex.server.identity;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * The text of a pairing code: eight characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown
 * as {@code XXXX-XXXX}. The first half is the handle that finds the code, the whole code is the secret.
 * 31^8 ≈ 8.5e11 codes; five wrong tries burn a code, so guessing works only against its short life.
 */
final class PairingCodes {
    static final String ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    static final int LENGTH = 8;
    static final String FORMAT_PROBLEM = "a pairing code is 8 letters and digits like ABCD-EF23 (the one "
            + "`./octvex pair` printed); check what you typed";
    private static final SecureRandom RANDOM = new SecureRandom();

    private PairingCodes() {}

    /** A fresh code, without the dash. */
    static String generate() {
        char[] code = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            code[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
        }
        return new String(code);
    }

    static String display(String code) {
        return code.substring(0, LENGTH / 2) + "-" + code.substring(LENGTH / 2);
    }

    /** The code as typed, upper-cased and without dashes or spaces; null when it cannot be a code. */
    static String normalize(String typed) {
        if (typed == null || typed.length() > 40) {
            return null;
        }
        String code = typed.replace("-", "").replace(" ", "").strip().toUpperCase(Locale.ROOT);
        if (code.length() != LENGTH) {
            return null;
        }
        for (int i = 0; i < code.length(); i++) {
            if (ALPHABET.indexOf(code.charAt(i)) < 0) {
                return null;
            }
        }
        return code;
    }

    static byte[] handleHash(String code) {
        return Secrets.hash("pairing-handle:" + code.substring(0, LENGTH / 2));
    }

    static byte[] codeHash(String code) {
        return Secrets.hash("pairing-code:" + code);
    }
}
