package io.octvex.desk.connect;

import atlantafx.base.theme.Styles;
import io.octvex.protocol.WorkspaceView;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

/**
 * The first screen: where the server is, who you are (password, or a one-time code from {@code ./octvex pair}),
 * then (if you are in several) which workspace.
 */
public final class ConnectView extends VBox {

    public ConnectView(ConnectModel model) {
        this(model, null);
    }

    /** {@code unlock}: the part that opens the Desk's secrets, where the session is kept (null: none). */
    public ConnectView(ConnectModel model, javafx.scene.Node unlock) {
        var title = new Label("Connect to Octvex");
        title.getStyleClass().add(Styles.TITLE_2);

        var server = new TextField();
        server.setId("server");
        server.textProperty().bindBidirectional(model.serverUrlProperty());
        var username = new TextField();
        username.setId("username");
        username.setPromptText("username");
        username.textProperty().bindBidirectional(model.usernameProperty());
        var password = new PasswordField();
        password.setId("password");

        var signIn = new Button("Sign in");
        signIn.setId("signIn");
        signIn.setDefaultButton(true);
        signIn.getStyleClass().add(Styles.ACCENT);
        signIn.disableProperty().bind(model.busyProperty());
        signIn.setOnAction(e -> {
            char[] secret = password.getText().toCharArray();
            password.clear();
            model.signIn(secret);
        });

        var form = new GridPane();
        form.setHgap(12);
        form.setVgap(10);
        form.addRow(0, new Label("Server"), server);
        form.addRow(1, new Label("Username"), username);
        form.addRow(2, new Label("Password"), password);
        server.setPrefColumnCount(28);

        var code = new TextField();
        code.setId("pairCode");
        code.setPromptText("XXXX-XXXX");
        code.setPrefColumnCount(10);
        var pair = new Button("Pair");
        pair.setId("pair");
        pair.disableProperty().bind(model.busyProperty());
        pair.setOnAction(e -> {
            String typed = code.getText();
            code.clear();
            model.pair(typed);
        });
        code.setOnAction(e -> {
            e.consume(); // Enter here pairs; it must not also press the default "Sign in"
            pair.fire();
        });
        var pairTitle = new Label("Or pair with a code");
        pairTitle.getStyleClass().add(Styles.TEXT_BOLD);
        var pairHint = new Label("Run ./octvex pair on the server: it prints a code that works once, for 5 minutes. "
                + "Enter the server URL above and the code here.");
        pairHint.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        pairHint.setWrapText(true);
        var pairRow = new javafx.scene.layout.HBox(8, code, pair);
        pairRow.setAlignment(Pos.CENTER_LEFT);
        var pairing = new VBox(6, pairTitle, pairHint, pairRow);

        var error = new Label();
        error.setId("connectError");
        error.getStyleClass().add(Styles.DANGER);
        error.setWrapText(true);
        error.textProperty().bind(model.errorProperty());
        error.visibleProperty().bind(model.errorProperty().isNotEmpty());
        error.managedProperty().bind(error.visibleProperty());

        var pickTitle = new Label("You are in several workspaces: pick one (Enter opens it)");
        var workspaces = new ListView<>(model.workspaces());
        workspaces.setId("workspaces");
        workspaces.setPrefHeight(160);
        workspaces.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(WorkspaceView item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : item.name() + "   (" + item.roles().stream()
                        .map(r -> r.wire()).reduce((a, b) -> a + ", " + b).orElse("no roles") + ")");
            }
        });
        workspaces.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER && workspaces.getSelectionModel().getSelectedItem() != null) {
                model.choose(workspaces.getSelectionModel().getSelectedItem());
            }
        });
        workspaces.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2 && workspaces.getSelectionModel().getSelectedItem() != null) {
                model.choose(workspaces.getSelectionModel().getSelectedItem());
            }
        });
        var picker = new VBox(8, pickTitle, workspaces);
        picker.visibleProperty().bind(javafx.beans.binding.Bindings.isNotEmpty(model.workspaces()));
        picker.managedProperty().bind(picker.visibleProperty());
        model.workspaces().addListener((javafx.collections.ListChangeListener<WorkspaceView>) c -> {
            if (!model.workspaces().isEmpty()) {
                workspaces.getSelectionModel().selectFirst();
                workspaces.requestFocus();
            }
        });

        getChildren().addAll(title, form, signIn, pairing, error, picker);
        if (unlock != null) {
            getChildren().add(unlock);
        } else {
            var note = new Label("The session stays in memory only: you sign in again after a restart.");
            note.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
            note.setWrapText(true);
            getChildren().add(note);
        }
        setSpacing(16);
        setPadding(new Insets(32));
        setAlignment(Pos.TOP_LEFT);
        setMaxWidth(560);
        sceneProperty().addListener((obs, old, scene) -> {
            if (scene != null) {
                javafx.application.Platform.runLater(
                        () -> (model.serverUrlProperty().get().isEmpty() ? server : username).requestFocus());
            }
        });
    }
}
