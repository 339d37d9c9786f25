package io.octvex.desk.unlock;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every keychain call on a daemon thread of its own, abandoned after {@code timeout}: a locked keyring can
 * block until a person answers a dialog, or forever without a display. Failures become {@link Unavailable}
 * with a sentence that says which call failed and how.
 */
final class BoundedKeychain {
    static final String SERVICE = "octvex";

    /** The keychain cannot be used: missing, locked, failing, or not answering in time. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    private final Keychain keychain;
    private final Duration timeout;

    BoundedKeychain(Keychain keychain, Duration timeout) {
        this.keychain = keychain;
        this.timeout = timeout;
    }

    String read(String account) throws Unavailable {
        return bounded("read", () -> keychain.read(SERVICE, account));
    }

    /** Writes, then reads back: a keychain that accepts a write but loses it is no keychain. */
    void write(String account, String text) throws Unavailable {
        bounded("write", () -> {
            keychain.write(SERVICE, account, text);
            return null;
        });
        if (!text.equals(read(account))) {
            throw new Unavailable("the keychain did not keep an entry written to it");
        }
    }

    void delete(String account) throws Unavailable {
        bounded("delete", () -> {
            keychain.delete(SERVICE, account);
            return null;
        });
    }

    /**
     * Whether the keychain works here, tried with a throw-away entry (never key material): a Secret Service
     * whose keyring is locked or missing answers "no entry" to a read and fails only the write.
     */
    void probe(String account) throws Unavailable {
        String probe = "probe " + account;
        write(probe, "octvex probe " + java.util.UUID.randomUUID());
        delete(probe);
    }

    private <T> T bounded(String what, Callable<T> call) throws Unavailable {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "octvex-desk-keychain");
        thread.setDaemon(true); // a call that never returns must not keep the JVM alive
        thread.start();
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            throw new Unavailable("the keychain did not answer a " + what + " within " + timeout.toMillis()
                    + " ms (locked, waiting for an unlock dialog, or hung)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new Unavailable("the keychain failed a " + what + ": " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while waiting for the keychain");
        }
    }
}
