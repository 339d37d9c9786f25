package io.octvex.server.vault;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A root key kept in the OS keychain: the laptop case, where the Desk-bundled server has no better place for
 * it. Every keychain call runs on a daemon thread of its own and is abandoned after {@code timeout}, because a
 * locked keychain can block until a person answers a dialog, or forever without a display.
 */
final class KeychainKeySource implements RootKeySource {
    static final String SERVICE = "octvex";

    private final Keychain keychain;
    private final String account;
    private final Duration timeout;

    KeychainKeySource(Keychain keychain, String account, Duration timeout) {
        this.keychain = keychain;
        this.account = account;
        this.timeout = timeout;
    }

    /** The keychain cannot be used: missing, locked, failing, or not answering in time. */
    static final class UnavailableException extends RuntimeException {
        UnavailableException(String message) {
            super(message);
        }
    }

    @Override
    public String kind() {
        return "keychain";
    }

    @Override
    public String describe() {
        return "the OS keychain (service '" + SERVICE + "', account '" + account + "')";
    }

    /**
     * Reads the entry once, in time, or says why it could not: what the choice of source is made on. When there
     * is no entry yet (a first start), a read alone proves nothing: a Secret Service whose keyring is locked or
     * missing answers "no entry" to a read and fails only the write. So it then also writes a throw-away entry
     * (never key material), reads it back and deletes it.
     */
    void probe() {
        if (bounded("read", () -> keychain.read(SERVICE, account)) != null) {
            return;
        }
        String probe = "probe " + account;
        String text = "octvex probe " + java.util.UUID.randomUUID();
        bounded("write", () -> {
            keychain.write(SERVICE, probe, text);
            return null;
        });
        if (!text.equals(bounded("read back", () -> keychain.read(SERVICE, probe)))) {
            throw new UnavailableException("the keychain did not keep an entry written to it");
        }
        bounded("delete", () -> {
            keychain.delete(SERVICE, probe);
            return null;
        });
    }

    @Override
    public Optional<RootKey> load(KdfParams kdf) {
        String text = bounded("read", () -> keychain.read(SERVICE, account));
        return text == null ? Optional.empty()
                : Optional.of(RootKey.of(Base64Keys.decode(text, describe()), kind(), null));
    }

    /** Writes a new key, then reads it back: a keychain that accepts a write but loses it is no keychain. */
    @Override
    public RootKey loadOrCreate() {
        Optional<RootKey> existing = load(null);
        if (existing.isPresent()) {
            return existing.get();
        }
        byte[] key = Aead.randomKey();
        String text = Base64Keys.encode(key);
        bounded("write", () -> {
            keychain.write(SERVICE, account, text);
            return null;
        });
        if (!text.equals(bounded("read back", () -> keychain.read(SERVICE, account)))) {
            java.util.Arrays.fill(key, (byte) 0);
            throw new UnavailableException("the keychain did not keep the key written to it");
        }
        return RootKey.of(key, kind(), null);
    }

    private <T> T bounded(String what, Callable<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "octvex-keychain");
        thread.setDaemon(true); // a call that never returns must not keep the JVM alive
        thread.start();
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            throw new UnavailableException("the keychain did not answer a " + what + " within " + timeout.toMillis()
                    + " ms (locked, waiting for an unlock dialog, or hung)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new UnavailableException("the keychain failed a " + what + ": " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while waiting for the keychain");
        }
    }
}
