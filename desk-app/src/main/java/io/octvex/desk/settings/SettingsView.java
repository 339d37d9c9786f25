package io.octvex.desk.settings;

import atlantafx.base.theme.Styles;
import io.octvex.desk.connect.DeskSession;
import java.util.List;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.OverrunStyle;
import javafx.scene.control.RadioButton;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/** Server connection, theme, notifications and the bundled edge's section. A thin view over {@link SettingsModel}. */
final class SettingsView extends BorderPane {

    SettingsView(SettingsModel model, DeskSession session, Node bundledEdge, Runnable disconnect, Node security) {
        var title = new Label("Settings");
        title.getStyleClass().add(Styles.TITLE_3);

        var server = new Label(session.client().baseUri().toString());
        server.setId("settingsServer");
        var who = new Label("Signed in as " + session.user().name() + " in workspace " + session.workspace().name()
                + ". Disconnecting also forgets the session kept for the next start.");
        who.getStyleClass().add(Styles.TEXT_MUTED);
        who.setWrapText(true);
        var disconnectButton = new Button("Disconnect");
        disconnectButton.setId("disconnect");
        disconnectButton.getStyleClass().add(Styles.DANGER);
        disconnectButton.setOnAction(e -> disconnect.run());

        var group = new ToggleGroup();
        var system = radio("themeSystem", "Follow the system", group, DeskSettings.ThemeChoice.SYSTEM);
        var light = radio("themeLight", "Light", group, DeskSettings.ThemeChoice.LIGHT);
        var dark = radio("themeDark", "Dark", group, DeskSettings.ThemeChoice.DARK);
        group.selectToggle(switch (model.settingsProperty().get().theme()) {
            case SYSTEM -> system;
            case LIGHT -> light;
            case DARK -> dark;
        });
        group.selectedToggleProperty().addListener((obs, old, t) -> {
            if (t != null) {
                model.chooseTheme((DeskSettings.ThemeChoice) t.getUserData());
            }
        });
        var osNote = new Label();
        osNote.setId("osTheme");
        osNote.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        osNote.textProperty().bind(model.osNoteProperty());

        var notifications = new CheckBox("Desktop notifications for new approvals");
        notifications.setId("notifications");
        notifications.setSelected(model.settingsProperty().get().notifications());
        notifications.selectedProperty().addListener((obs, old, on) -> model.setNotifications(on));

        var notice = new Label();
        notice.setId("settingsNotice");
        // "Saved in <path>" is one line cut in the middle (a path has no spaces to wrap at); a problem wraps
        notice.setTextOverrun(OverrunStyle.CENTER_ELLIPSIS);
        model.noticeProperty().addListener((obs, old, n) -> {
            notice.setText(n.text());
            notice.setTooltip(new Tooltip(n.text()));
            notice.setWrapText(n.problem());
            notice.getStyleClass().remove(Styles.DANGER);
            if (n.problem()) {
                notice.getStyleClass().add(Styles.DANGER);
            }
        });

        var content = new VBox(10, title,
                section("Server"), serverRow(server, disconnectButton), who, new Separator(),
                section("Theme"), new HBox(16, system, light, dark), osNote, new Separator(),
                section("Notifications"), notifications, new Separator(),
                section("Bundled edge"), bundledEdge, new Separator(),
                notice);
        if (security != null) {
            content.getChildren().addAll(content.getChildren().size() - 1, List.of(security, new Separator()));
        }
        content.setPadding(new Insets(16));
        content.setMaxWidth(760);
        var scroll = new ScrollPane(content);
        scroll.setFitToWidth(true);
        setCenter(scroll);
    }

    private static HBox serverRow(Label server, Button disconnect) {
        var row = new HBox(12, server, disconnect);
        row.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        return row;
    }

    private static RadioButton radio(String id, String text, ToggleGroup group, DeskSettings.ThemeChoice choice) {
        var r = new RadioButton(text);
        r.setId(id);
        r.setToggleGroup(group);
        r.setUserData(choice);
        return r;
    }

    private static Label section(String text) {
        var l = new Label(text);
        l.getStyleClass().add(Styles.TITLE_4);
        return l;
    }
}
