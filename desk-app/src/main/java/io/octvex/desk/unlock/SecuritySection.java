package io.octvex.desk.unlock;

import atlantafx.base.theme.Styles;
import java.util.List;
import java.util.concurrent.Executor;
import javafx.beans.binding.Bindings;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;

/**
 * Settings' "Security / Unlock" section: how the Desk's secrets open, whether the OS keychain answered (and why
 * not), unlocking them when they are locked (the bundled edge waits for that), switching to another method (the
 * same Desk key re-wrapped; the entries stay) and locking now.
 */
public final class SecuritySection extends VBox {

    /** {@code onUnlocked}: on {@code fx} after an unlock here. */
    public SecuritySection(DeskVault vault, Executor io, Executor fx, Runnable onUnlocked) {
        var model = new UnlockModel(vault, io, fx, onUnlocked);
        var title = new Label("Security / Unlock");
        title.getStyleClass().add(Styles.TITLE_4);

        var method = new Label();
        method.setId("securityMethod");
        method.setWrapText(true);
        model.statusProperty().addListener((obs, old, s) -> method.setText(describe(s, vault)));
        method.setText(describe(model.statusProperty().get(), vault));

        var keychain = new Label();
        keychain.setId("securityKeychain");
        keychain.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        keychain.setWrapText(true);
        keychain.textProperty().bind(model.keychainNoteProperty());

        var unlock = new VBox(8);
        unlock.managedProperty().bind(Bindings.isNotEmpty(unlock.getChildren()));
        model.statusProperty().addListener((obs, old, s) -> unlock.getChildren().setAll(unlockable(s)
                ? UnlockPane.controls(model, s, "securityUnlock") : List.of()));

        var switching = new MethodChoice(model, true, "switch");
        switching.visibleProperty().bind(model.statusProperty().map(DeskVault.Status::unlocked));
        switching.managedProperty().bind(switching.visibleProperty());

        var lock = new Button("Lock now");
        lock.setId("lockNow");
        lock.disableProperty().bind(Bindings.createBooleanBinding(
                () -> !model.statusProperty().get().unlocked() || model.busyProperty().get(),
                model.statusProperty(), model.busyProperty()));
        lock.setOnAction(e -> model.lock());

        var notice = new Label();
        notice.setId("securityNotice");
        notice.setWrapText(true);
        notice.managedProperty().bind(notice.textProperty().isNotEmpty()); // no blank line under Lock now
        model.noticeProperty().addListener((obs, old, n) -> {
            notice.setText(n.text());
            notice.getStyleClass().remove(Styles.DANGER);
            if (n.problem()) {
                notice.getStyleClass().add(Styles.DANGER);
            }
        });

        getChildren().addAll(title, method, keychain, unlock, switching, lock, notice);
        setSpacing(10);
        model.refresh(false);
    }

    private static boolean unlockable(DeskVault.Status s) {
        return s.exists() && !s.unlocked() && s.problem() == null;
    }

    private static String describe(DeskVault.Status s, DeskVault vault) {
        if (s.problem() != null) {
            return s.problem();
        }
        if (!s.exists()) {
            return "Not set up: the session is not kept between starts. Disconnect and choose a method on the "
                    + "connect screen to set it up.";
        }
        return "The Desk's secrets in " + vault.file() + " open with " + UnlockPane.words(s) + "; they are "
                + (s.unlocked() ? "open now." : "locked now (the session in use and a running bundled edge go on; the "
                + "next start asks).");
    }
}
