package io.octvex.server.run;

import io.octvex.protocol.Json;
import io.octvex.protocol.SubmitRun;
import io.octvex.server.web.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The {@code Idempotency-Key} of a submit: what a key may be, and the fingerprint of the request it names. */
final class IdempotencyKeys {
    static final int MAX_LENGTH = 255;

    private IdempotencyKeys() {}

    /** @throws ApiException 400 with a sentence unless the key is 1–255 visible ASCII characters */
    static String check(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_LENGTH
                || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw ApiException.badRequest("Idempotency-Key must be 1 to " + MAX_LENGTH
                    + " visible ASCII characters (no spaces), for example a UUID.");
        }
        return key;
    }

    /** SHA-256 of the request as the server read it: a retry of the same body has the same hash. */
    static byte[] requestHash(SubmitRun request) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Json.write(request).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
