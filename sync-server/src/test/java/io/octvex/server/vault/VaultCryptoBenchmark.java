package io.octvex.server.vault;

import io.octvex.protocol.SecretKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The vault's cryptography for a 1 KiB value: sealing it (AES-256-GCM, fresh nonce, AAD of workspace + secret
 * + version), opening it, and the whole in-memory part of a resolution (unwrap the data key under the root
 * key, open, decode the fields, wipe). Run with bench/vault-crypto.sh; the figures go to docs/benchmarks.md.
 * Not a test: nothing here asserts on speed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 4, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class VaultCryptoBenchmark {
    static final int VALUE_BYTES = 1024;

    private final UUID workspace = UUID.randomUUID();
    private final UUID secret = UUID.randomUUID();
    private byte[] dataKey;
    private byte[] plaintext;
    private byte[] aad;
    private byte[] sealedValue;
    private RootKey root;
    private byte[] wrappedKey;
    private byte[] sealedSecret;

    @Setup
    public void setUp() {
        dataKey = Aead.randomKey();
        plaintext = new byte[VALUE_BYTES];
        new java.util.Random(1).nextBytes(plaintext);
        aad = Vault.aad(workspace, secret, 1);
        sealedValue = Aead.seal(dataKey, plaintext, aad);
        root = RootKey.of(Aead.randomKey(), "file", null);
        wrappedKey = root.wrap(workspace, 1, 1, dataKey);
        Map<SecretField, char[]> fields = new EnumMap<>(SecretField.class);
        fields.put(SecretField.VALUE, "v".repeat(VALUE_BYTES).toCharArray());
        sealedSecret = Aead.seal(dataKey, SecretCodec.encode(SecretKind.OPAQUE, fields, 64 * 1024), aad);
        check(java.util.Arrays.equals(open(), plaintext), "a sealed value must open to itself");
        try (SecretMaterial m = resolve()) {
            check(m.bytes(SecretField.VALUE).length == VALUE_BYTES, "the resolved value must be 1 KiB");
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark set-up is wrong: " + what);
        }
    }

    @Benchmark
    public byte[] seal() {
        return Aead.seal(dataKey, plaintext, aad);
    }

    @Benchmark
    public byte[] open() {
        return Aead.open(dataKey, sealedValue, aad);
    }

    /** What {@link Vault#resolve} does after its one database read: unwrap, open, decode, wipe. */
    @Benchmark
    public SecretMaterial resolve() {
        byte[] key = root.unwrap(workspace, 1, 1, wrappedKey);
        byte[] opened = Aead.open(key, sealedSecret, aad);
        java.util.Arrays.fill(key, (byte) 0);
        SecretMaterial material = SecretCodec.decode(opened, SecretKind.OPAQUE, 1);
        java.util.Arrays.fill(opened, (byte) 0);
        return material;
    }
}
