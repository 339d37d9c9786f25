package io.octvex.server.identity;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} (OWASP's minimum for Argon2id). Verification reads the
 * parameters from the stored string, so hashes made with older settings keep working after a change.
 * Passwords arrive as {@code char[]}; the UTF-8 bytes made from them are wiped after use.
 */
@org.springframework.stereotype.Component
final class Passwords {
    static final int MIN_LENGTH = 12;
    static final int MAX_LENGTH = 256;
    private static final int MEMORY_KIB = 19456;
    private static final int ITERATIONS = 2;
    private static final int PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getDecoder();

    private final SecureRandom random = new SecureRandom();
    /** Verified against when the user does not exist, so that an unknown name costs as much time as a known one. */
    private final String decoy;

    Passwords() {
        char[] throwAway = new char[24];
        for (int i = 0; i < throwAway.length; i++) {
            throwAway[i] = (char) ('a' + random.nextInt(26));
        }
        this.decoy = hash(throwAway);
        Arrays.fill(throwAway, '\0');
    }

    /** A person-readable reason the password is not acceptable, or null when it is. */
    static String problemWith(char[] password) {
        if (password == null) {
            return "'password' is required";
        }
        int length = Character.codePointCount(password, 0, password.length);
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            return "'password' must be " + MIN_LENGTH + " to " + MAX_LENGTH + " characters long";
        }
        return null;
    }

    String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** Constant-time comparison; a null or malformed stored hash never matches (but still costs the time). */
    boolean verify(char[] password, String stored) {
        Matcher m = stored == null ? null : PHC.matcher(stored);
        if (m == null || !m.matches()) {
            verify(password, decoy);
            return false;
        }
        int memory = Integer.parseInt(m.group(1));
        int iterations = Integer.parseInt(m.group(2));
        int parallelism = Integer.parseInt(m.group(3));
        byte[] salt = B64_DECODE.decode(m.group(4));
        byte[] expected = B64_DECODE.decode(m.group(5));
        if (memory < 8 * parallelism || memory > 4 * 1024 * 1024 || iterations < 1 || parallelism < 1
                || expected.length < 16 || salt.length < 8) {
            return false;
        }
        byte[] actual = derive(password, salt, memory, iterations, parallelism, expected.length);
        boolean same = MessageDigest.isEqual(actual, expected);
        Arrays.fill(actual, (byte) 0);
        return same;
    }

    /** Spends the time of a real check against a hash nobody knows the password of. */
    void verifyDecoy(char[] password) {
        verify(password == null ? new char[0] : password, decoy);
    }

    private static byte[] derive(char[] password, byte[] salt, int memory, int iterations, int parallelism,
                                 int length) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memory).withIterations(iterations).withParallelism(parallelism)
                .withSalt(salt).build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] secret = utf8(password);
        try {
            byte[] out = new byte[length];
            generator.generateBytes(secret, out);
            return out;
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private static byte[] utf8(char[] password) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .encode(CharBuffer.wrap(password));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            if (encoded.hasArray()) {
                Arrays.fill(encoded.array(), (byte) 0);
            }
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("UTF-8 encoding with REPLACE cannot fail", e);
        }
    }
}
