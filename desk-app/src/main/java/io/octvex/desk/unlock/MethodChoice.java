package io.octvex.desk.unlock;

import atlantafx.base.theme.Styles;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/**
 * The three ways to open the Desk's secrets as buttons, for setting one up ({@code switching} false) or switching
 * to one; shared by the connect screen and the settings section. The keychain button is off when the keychain
 * did not answer, the WebAuthn one when this build has no ceremony.
 */
final class MethodChoice extends VBox {

    MethodChoice(UnlockModel model, boolean switching, String idPrefix) {
        var keychain = new Button((switching ? "Switch to" : "Use") + " the OS keychain");
        keychain.setId(idPrefix + "Keychain");
        keychain.disableProperty().bind(model.keychainAvailableProperty().not().or(model.busyProperty()));
        keychain.setOnAction(e -> choose(model, switching, Method.KEYCHAIN, null));

        var passphrase = new PasswordField();
        passphrase.setId(idPrefix + "PassphraseField");
        passphrase.setPromptText("at least " + DeskVault.MIN_PASSPHRASE + " characters");
        passphrase.setPrefColumnCount(18);
        var usePassphrase = new Button((switching ? "Switch to" : "Use") + " this passphrase");
        usePassphrase.setId(idPrefix + "Passphrase");
        usePassphrase.disableProperty().bind(model.busyProperty());
        usePassphrase.setOnAction(e -> {
            char[] secret = passphrase.getText().toCharArray();
            passphrase.clear();
            choose(model, switching, Method.PASSPHRASE, secret);
        });

        var webauthn = new Button((switching ? "Switch to" : "Use") + " WebAuthn (opens the browser)");
        webauthn.setId(idPrefix + "Webauthn");
        webauthn.setDisable(!model.webAuthnAvailable());
        webauthn.setOnAction(e -> choose(model, switching, Method.WEBAUTHN, null));
        var webauthnNote = new Label(model.webAuthnAvailable()
                ? "With an authenticator that has no PRF extension, the key is kept in the OS keychain and a "
                + "WebAuthn sign-in is needed as well."
                : "WebAuthn is unavailable in this build of the Desk.");
        webauthnNote.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        webauthnNote.setWrapText(true);

        var passphraseRow = new HBox(8, passphrase, usePassphrase);
        passphraseRow.setAlignment(Pos.CENTER_LEFT);
        getChildren().addAll(keychain, passphraseRow, webauthn, webauthnNote);
        setSpacing(8);
    }

    private static void choose(UnlockModel model, boolean switching, Method method, char[] passphrase) {
        if (switching) {
            model.switchTo(method, passphrase);
        } else {
            model.setUp(method, passphrase);
        }
    }
}
