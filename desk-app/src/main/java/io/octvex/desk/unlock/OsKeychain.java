package io.octvex.desk.unlock;

import com.github.javakeyring.Keyring;
import com.github.javakeyring.PasswordAccessException;
import java.util.Locale;

/**
 * java-keyring: macOS Keychain, Windows Credential Manager, or the Secret Service on Linux (GNOME Keyring,
 * KWallet). {@code Keyring.create()} fails fast without a backend; a locked keyring may throw or block.
 */
final class OsKeychain implements Keychain {
    @Override
    public String read(String service, String account) throws Exception {
        try (Keyring keyring = Keyring.create()) {
            return keyring.getPassword(service, account);
        } catch (PasswordAccessException e) {
            if (absent(e.getMessage())) {
                return null;
            }
            throw e;
        }
    }

    /** java-keyring says "no entry" by message only: Secret Service, Windows and macOS each in their words. */
    static boolean absent(String message) {
        String text = String.valueOf(message).toLowerCase(Locale.ROOT);
        return text.contains("no stored credentials") || text.contains("not found")
                || text.contains("failed to get credential");
    }

    @Override
    public void write(String service, String account, String text) throws Exception {
        try (Keyring keyring = Keyring.create()) {
            keyring.setPassword(service, account, text);
        }
    }

    @Override
    public void delete(String service, String account) throws Exception {
        try (Keyring keyring = Keyring.create()) {
            keyring.deletePassword(service, account);
        }
    }
}
