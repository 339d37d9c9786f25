package io.octvex.desk.unlock;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * What the unlock pane and the settings section show: the store's status, whether the keychain answered, and the
 * last outcome in words. Every store call runs on {@code io} (keychain, Argon2id, a browser ceremony); results
 * come back on {@code fx}, where the properties are read and written.
 */
final class UnlockModel {
    /** One line for the user; {@code problem} when it reports a failure. */
    record Notice(String text, boolean problem) {}

    private final DeskVault vault;
    private final Executor io;
    private final Executor fx;
    private final Runnable onUnlocked;
    private final ReadOnlyObjectWrapper<DeskVault.Status> status =
            new ReadOnlyObjectWrapper<>(new DeskVault.Status(false, false, List.of(), false, null));
    private final ReadOnlyStringWrapper keychainNote = new ReadOnlyStringWrapper("Asking the OS keychain…");
    private final ReadOnlyBooleanWrapper keychainAvailable = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper();
    private final ReadOnlyObjectWrapper<Notice> notice = new ReadOnlyObjectWrapper<>(new Notice("", false));

    /** {@code onUnlocked}: called on {@code fx} after an unlock or a set-up, e.g. to resume a kept session. */
    UnlockModel(DeskVault vault, Executor io, Executor fx, Runnable onUnlocked) {
        this.vault = vault;
        this.io = io;
        this.fx = fx;
        this.onUnlocked = onUnlocked;
    }

    ReadOnlyObjectProperty<DeskVault.Status> statusProperty() {
        return status.getReadOnlyProperty();
    }

    ReadOnlyStringProperty keychainNoteProperty() {
        return keychainNote.getReadOnlyProperty();
    }

    ReadOnlyBooleanProperty keychainAvailableProperty() {
        return keychainAvailable.getReadOnlyProperty();
    }

    ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    ReadOnlyObjectProperty<Notice> noticeProperty() {
        return notice.getReadOnlyProperty();
    }

    boolean webAuthnAvailable() {
        return vault.webAuthnAvailable();
    }

    /**
     * Reads the status and probes the keychain; with {@code autoUnlock}, a locked store that the keychain opens is
     * unlocked at once (no question to ask the user).
     */
    void refresh(boolean autoUnlock) {
        busy.set(true);
        io.execute(() -> {
            DeskVault.KeychainCheck check = vault.checkKeychain();
            DeskVault.Status now = vault.status();
            fx.execute(() -> {
                keychainAvailable.set(check.available());
                keychainNote.set(check.note());
                status.set(now);
                busy.set(false);
                if (autoUnlock && now.exists() && !now.unlocked() && now.problem() == null
                        && now.methods().contains(Method.KEYCHAIN) && check.available()) {
                    unlock(Method.KEYCHAIN, null);
                }
            });
        });
    }

    void unlock(Method method, char[] passphrase) {
        run(() -> vault.unlock(method, passphrase), "Unlocked with " + method.words() + ".", true, passphrase);
    }

    void setUp(Method method, char[] passphrase) {
        run(() -> vault.setUp(method, passphrase), "The Desk's secrets are now opened with " + method.words()
                + ". Your next sign-in is kept on this computer.", true, passphrase);
    }

    void switchTo(Method method, char[] passphrase) {
        run(() -> vault.switchTo(method, passphrase), "The Desk's secrets are now opened with " + method.words()
                + " only.", false, passphrase);
    }

    void lock() {
        run(vault::lock, "Locked: the Desk asks to unlock at the next start.", false, null);
    }

    private interface Action {
        void run() throws DeskVault.Refused;
    }

    private void run(Action action, String done, boolean unlocks, char[] passphrase) {
        busy.set(true);
        notice.set(new Notice("", false));
        io.execute(() -> {
            Notice result;
            try {
                action.run();
                result = new Notice(done, false);
            } catch (DeskVault.Refused e) {
                result = new Notice(e.getMessage(), true);
            } finally {
                if (passphrase != null) {
                    Arrays.fill(passphrase, '\0');
                }
            }
            DeskVault.Status now = vault.status();
            Notice said = result;
            fx.execute(() -> {
                status.set(now);
                notice.set(said);
                busy.set(false);
                if (unlocks && !said.problem()) {
                    onUnlocked.run();
                }
            });
        });
    }
}
