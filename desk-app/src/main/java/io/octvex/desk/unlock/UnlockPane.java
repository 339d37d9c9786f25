package io.octvex.desk.unlock;

import atlantafx.base.theme.Styles;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/**
 * The connect screen's part of unlocking: opens the Desk's secrets (at once when the keychain holds the key,
 * else with the passphrase or a WebAuthn gesture), or on first use sets up how they are opened. Once open, the
 * Desk keeps the next sign-in and {@code onUnlocked} may resume a kept one.
 */
public final class UnlockPane extends VBox {
    private final UnlockModel model;
    private final VBox body = new VBox(8);

    /** {@code onUnlocked}: on {@code fx} after an unlock or a set-up. */
    public UnlockPane(DeskVault vault, Executor io, Executor fx, Runnable onUnlocked) {
        this.model = new UnlockModel(vault, io, fx, onUnlocked);
        var title = new Label("Stay signed in on this computer");
        title.getStyleClass().add(Styles.TITLE_4);

        var keychain = new Label();
        keychain.setId("unlockKeychainNote");
        keychain.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        keychain.setWrapText(true);
        keychain.textProperty().bind(model.keychainNoteProperty());

        var notice = new Label();
        notice.setId("unlockNotice");
        notice.setWrapText(true);
        model.noticeProperty().addListener((obs, old, n) -> {
            notice.setText(n.text());
            notice.getStyleClass().remove(Styles.DANGER);
            if (n.problem()) {
                notice.getStyleClass().add(Styles.DANGER);
            }
        });
        model.statusProperty().addListener((obs, old, s) -> render(s));
        render(model.statusProperty().get());
        getChildren().addAll(title, body, keychain, notice);
        setSpacing(10);
        model.refresh(true);
    }

    private void render(DeskVault.Status status) {
        var line = new Label();
        line.setId("unlockStatus");
        line.setWrapText(true);
        if (status.problem() != null) {
            line.setText(status.problem());
            line.getStyleClass().add(Styles.DANGER);
            body.getChildren().setAll(line);
        } else if (!status.exists()) {
            line.setText("The Desk can keep your session in an encrypted file here, so a restart needs no sign-in. "
                    + "Choose how that file is opened:");
            body.getChildren().setAll(line, new MethodChoice(model, false, "setup"));
        } else if (status.unlocked()) {
            line.setText("The Desk's secrets are open (" + words(status) + "): your session is kept on this computer.");
            body.getChildren().setAll(line);
        } else {
            line.setText("The Desk's secrets are locked; they open with " + words(status) + ".");
            body.getChildren().setAll(line);
            body.getChildren().addAll(controls(model, status, "unlock"));
        }
    }

    /**
     * The ways to open a locked store: the passphrase field, the keychain and WebAuthn buttons, as enrolled.
     * {@code id} prefixes the nodes' ids (the connect screen's "unlock", Settings' "securityUnlock").
     */
    static List<Node> controls(UnlockModel model, DeskVault.Status status, String id) {
        List<Node> nodes = new ArrayList<>();
        if (status.methods().contains(Method.PASSPHRASE)) {
            var passphrase = new PasswordField();
            passphrase.setId(id + "Passphrase");
            passphrase.setPrefColumnCount(18);
            var unlock = new Button("Unlock");
            unlock.setId(id);
            unlock.disableProperty().bind(model.busyProperty());
            unlock.setOnAction(e -> {
                char[] secret = passphrase.getText().toCharArray();
                passphrase.clear();
                model.unlock(Method.PASSPHRASE, secret);
            });
            passphrase.setOnAction(e -> unlock.fire());
            var row = new HBox(8, passphrase, unlock);
            row.setAlignment(Pos.CENTER_LEFT);
            nodes.add(row);
        }
        if (status.methods().contains(Method.KEYCHAIN)) {
            nodes.add(button(model, id + "WithKeychain", "Unlock with the OS keychain", Method.KEYCHAIN, true));
        }
        if (status.methods().contains(Method.WEBAUTHN)) {
            nodes.add(button(model, id + "WithWebauthn", "Unlock with WebAuthn (opens the browser)", Method.WEBAUTHN,
                    model.webAuthnAvailable()));
        }
        return nodes;
    }

    private static Button button(UnlockModel model, String id, String text, Method method, boolean available) {
        var b = new Button(text);
        b.setId(id);
        b.setDisable(!available);
        b.setOnAction(e -> model.unlock(method, null));
        return b;
    }

    static String words(DeskVault.Status status) {
        String methods = String.join(" or ", status.methods().stream().map(Method::words).toList());
        return status.webAuthnWithoutPrf() ? methods + " (this authenticator has no PRF: the key is in the OS "
                + "keychain, and a WebAuthn sign-in is needed as well)" : methods;
    }
}
