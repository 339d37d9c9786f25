package io.octvex.server.vault;

/**
 * A sealed value or wrapped key that cannot be opened: tampered with, moved, or under a key we do not hold.
 * Its message says which, and never carries key or value bytes.
 */
public class SealBrokenException extends RuntimeException {
    public SealBrokenException(String message) {
        super(message);
    }
}
