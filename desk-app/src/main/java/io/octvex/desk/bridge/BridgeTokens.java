package io.octvex.desk.bridge;

import com.github.javakeyring.Keyring;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where the bridge's workspace API token lives: the OS keychain (macOS Keychain, Windows Credential Manager,
 * Secret Service on Linux), service {@code octvex}, account {@code mcp-bridge <server URL> <workspace id>}.
 * The Desk stores it there when it configures a client; the bridge reads it. Every keychain call is bounded
 * in time: a locked keyring may otherwise block on an unlock prompt forever.
 */
public final class BridgeTokens {
    static final String SERVICE = "octvex";
    private static final Duration LIMIT = Duration.ofSeconds(10);

    private BridgeTokens() {}

    public static String account(String serverUrl, String workspaceId) {
        return "mcp-bridge " + serverUrl.replaceAll("/+$", "") + " " + workspaceId;
    }

    /** The stored token, or empty when there is none or no keychain answers (the reason is in {@code why}). */
    public static Optional<String> read(String serverUrl, String workspaceId, StringBuilder why) {
        try {
            String token = bounded(() -> {
                try (Keyring keyring = Keyring.create()) {
                    return keyring.getPassword(SERVICE, account(serverUrl, workspaceId));
                }
            });
            if (token == null || token.isBlank()) {
                why.append("the OS keychain has no token for ").append(account(serverUrl, workspaceId));
                return Optional.empty();
            }
            return Optional.of(token);
        } catch (Exception e) {
            why.append("the OS keychain is not available (").append(reason(e)).append(')');
            return Optional.empty();
        }
    }

    /** @throws Exception with a sentence when there is no keychain to store it in */
    public static void store(String serverUrl, String workspaceId, String token) throws Exception {
        bounded(() -> {
            try (Keyring keyring = Keyring.create()) {
                keyring.setPassword(SERVICE, account(serverUrl, workspaceId), token);
            }
            return null;
        });
    }

    private static <T> T bounded(Callable<T> call) throws Exception {
        var executor = Executors.newVirtualThreadPerTaskExecutor();
        try {
            return executor.submit(call).get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new Exception("the keychain did not answer within " + LIMIT.toSeconds() + " s (locked?)");
        } finally {
            executor.shutdownNow();
        }
    }

    private static String reason(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
