package io.octvex.desk.unlock;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A separate Desk process for {@link KeychainStoreIT}: java-keyring's Secret Service backend connects to the
 * session bus once per JVM, so each bus (or none) needs a process of its own, started with that environment.
 * Usage: {@code check DIR | setup DIR VALUE | open DIR}; prints one line per step, never the value.
 */
final class KeychainChild {
    private KeychainChild() {}

    public static void main(String[] args) throws Exception {
        DeskVault vault = new DeskVault(Path.of(args[1]).resolve(DeskVault.FILE_NAME), new OsKeychain(),
                Duration.ofSeconds(Long.parseLong(System.getProperty("keychain.timeout.seconds", "10"))), null);
        Instant start = Instant.now();
        try {
            switch (args[0]) {
                case "check" -> {
                    DeskVault.KeychainCheck check = vault.checkKeychain();
                    System.out.println("check: " + check.available() + " in "
                            + Duration.between(start, Instant.now()).toMillis() + " ms: " + check.note());
                }
                case "setup" -> {
                    vault.setUp(Method.KEYCHAIN, null);
                    vault.put("session", args[2]);
                    System.out.println("setup: ok " + StoreFile.read(vault.file()).orElseThrow().storeId());
                }
                case "open" -> {
                    vault.unlock(Method.KEYCHAIN, null);
                    System.out.println("open: " + vault.get("session").map(v -> "value of " + v.length() + " chars")
                            .orElse("no value"));
                }
                default -> throw new IllegalArgumentException(args[0]);
            }
        } catch (DeskVault.Refused e) {
            System.out.println(args[0] + ": refused: " + e.getMessage());
        }
        System.exit(0); // the D-Bus connection's threads would keep the JVM alive
    }
}
