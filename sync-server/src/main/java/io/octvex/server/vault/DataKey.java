package io.octvex.server.vault;

import java.util.Arrays;

/** An unwrapped data key, for one operation: closing it wipes the key bytes. */
record DataKey(int term, byte[] key) implements AutoCloseable {
    @Override
    public void close() {
        Arrays.fill(key, (byte) 0);
    }

    @Override
    public String toString() {
        return "DataKey[term=" + term + "]";
    }
}
