package io.octvex.desk.mcpclients;

import atlantafx.base.theme.Styles;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/** The MCP clients page: one row per client with its state, its file, and Configure / Remove. */
final class McpClientsView extends BorderPane {
    McpClientsView(McpClientsModel model) {
        var title = new Label("MCP clients");
        title.getStyleClass().add(Styles.TITLE_3);
        var intro = new Label("Octvex is added to each client as \"octvex\": a command (octvex mcp-bridge) that "
                + "reads the workspace token from your OS keychain, so no token is written to the client's file.");
        intro.setWrapText(true);
        intro.getStyleClass().add(Styles.TEXT_MUTED);
        var http = new CheckBox("Prefer direct HTTP where the client supports it (Claude Code, Cursor, Windsurf, "
                + "Gemini CLI): the file names $" + BridgeTarget.TOKEN_VARIABLE + ", never the token");
        http.setId("preferHttp");
        http.setMnemonicParsing(false); // the label's "_" is text, not a keyboard shortcut
        http.selectedProperty().bindBidirectional(model.preferHttp());
        var target = new Label("Server " + model.target().serverUrl() + " · workspace " + model.target().workspaceId());
        target.getStyleClass().addAll(Styles.TEXT_SMALL, Styles.TEXT_MUTED);
        var header = new VBox(6, title, intro, target, http);
        header.setPadding(new Insets(16, 16, 8, 16));

        var list = new ListView<>(model.rows());
        list.setId("mcpClients");
        list.setPlaceholder(new Label("Looking for MCP clients…"));
        list.setCellFactory(l -> new ClientCell(model));
        list.disableProperty().bind(model.busy());

        var notice = new Label();
        notice.setId("mcpNotice");
        notice.setWrapText(true);
        notice.textProperty().bind(model.notice());
        notice.setPadding(new Insets(8, 16, 12, 16));

        setTop(header);
        setCenter(list);
        setBottom(notice);
        BorderPane.setMargin(list, new Insets(0, 16, 0, 16));
    }

    private static final class ClientCell extends ListCell<ClientStatus> {
        private final McpClientsModel model;

        ClientCell(McpClientsModel model) {
            this.model = model;
        }

        @Override
        protected void updateItem(ClientStatus row, boolean empty) {
            super.updateItem(row, empty);
            if (empty || row == null) {
                setGraphic(null);
                setText(null);
                return;
            }
            var name = new Label(row.client().name());
            name.getStyleClass().add(Styles.TEXT_BOLD);
            name.setMinWidth(130);
            var state = new Label(row.state().label);
            state.setId("state-" + row.client().id());
            state.getStyleClass().add(switch (row.state()) {
                case CONFIGURED -> Styles.SUCCESS;
                case DIFFERENT -> Styles.WARNING;
                case UNREADABLE -> Styles.DANGER;
                case NOT_FOUND, NOT_CONFIGURED -> Styles.TEXT_MUTED;
            });
            state.setMinWidth(170);
            var detail = new Label(row.detail());
            detail.getStyleClass().addAll(Styles.TEXT_SMALL,
                    row.state() == ClientStatus.State.UNREADABLE ? Styles.DANGER : Styles.TEXT_MUTED);
            detail.setWrapText(true);
            detail.setTooltip(new Tooltip(row.detail()));
            var text = new VBox(2, new HBox(12, name, state), detail);
            HBox.setHgrow(text, Priority.ALWAYS);
            text.setMaxWidth(Double.MAX_VALUE);
            text.setMinWidth(0);
            text.prefWidthProperty().bind(getListView().widthProperty().subtract(260));

            var configure = new Button(row.state() == ClientStatus.State.DIFFERENT ? "Update" : "Configure");
            configure.setId("configure-" + row.client().id());
            configure.getStyleClass().add(Styles.ACCENT);
            configure.setDisable(row.state() == ClientStatus.State.NOT_FOUND
                    || row.state() == ClientStatus.State.UNREADABLE || row.state() == ClientStatus.State.CONFIGURED);
            configure.setOnAction(e -> model.configure(row.client()));
            configure.setPrefWidth(100);
            var remove = new Button("Remove");
            remove.setId("remove-" + row.client().id());
            remove.setDisable(row.state() != ClientStatus.State.CONFIGURED && row.state() != ClientStatus.State.DIFFERENT);
            remove.setOnAction(e -> model.remove(row.client()));
            remove.setPrefWidth(90);
            var spacer = new Region();
            HBox.setHgrow(spacer, Priority.SOMETIMES);
            var line = new HBox(12, text, spacer, configure, remove);
            line.setAlignment(Pos.CENTER_LEFT);
            line.setPadding(new Insets(6, 4, 6, 4));
            setText(null);
            setGraphic(line);
        }
    }
}
