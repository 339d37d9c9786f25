package io.octvex.server.vault;

import io.octvex.protocol.SecretKind;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * A secret's value, opened for one use. Use it inside try-with-resources: closing it wipes the bytes it holds.
 * Every accessor hands out a copy that the caller wipes in turn. It has no {@code toString} that shows content
 * and is never serialised.
 */
public final class SecretMaterial implements AutoCloseable {
    private final SecretKind kind;
    private final long version;
    private final Map<SecretField, byte[]> fields;
    private boolean closed;

    SecretMaterial(SecretKind kind, long version, EnumMap<SecretField, byte[]> fields) {
        this.kind = kind;
        this.version = version;
        this.fields = fields;
    }

    public SecretKind kind() {
        return kind;
    }

    public long version() {
        return version;
    }

    public Set<SecretField> fields() {
        return Set.copyOf(fields.keySet());
    }

    /** A copy of the field as text; wipe it ({@code Arrays.fill(chars, '\0')}) when done. */
    public synchronized char[] chars(SecretField field) {
        return Utf8.decode(bytes(field));
    }

    /** A copy of the field as UTF-8 bytes; wipe it when done. */
    public synchronized byte[] bytes(SecretField field) {
        if (closed) {
            throw new IllegalStateException("the secret material was closed (wiped)");
        }
        byte[] value = fields.get(field);
        if (value == null) {
            throw new IllegalArgumentException("a " + kind.wire() + " secret has no '" + field.wire() + "'");
        }
        return value.clone();
    }

    @Override
    public synchronized void close() {
        fields.values().forEach(v -> Arrays.fill(v, (byte) 0));
        closed = true;
    }

    @Override
    public String toString() {
        return "SecretMaterial[" + kind.wire() + ", version " + version + ", ***]";
    }
}
