package io.octvex.desk;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import atlantafx.base.theme.Styles;
import io.octvex.edge.ServerLocator;
import javafx.application.Application;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;

/**
 * The Desk application. A placeholder window until the Desk issue (#7) brings approvals, runs, fleet and
 * audit; it shows which server the Desk would connect to.
 */
public final class DeskApp extends Application {

    @Override
    public void start(Stage stage) {
        DeskOptions options = DeskOptions.parse(getParameters().getRaw().toArray(String[]::new));
        Application.setUserAgentStylesheet(switch (options.theme()) {
            case LIGHT -> new PrimerLight().getUserAgentStylesheet();
            case DARK -> new PrimerDark().getUserAgentStylesheet();
        });
        stage.setTitle("Octvex Desk");
        stage.setScene(new Scene(new PlaceholderView(serverText(options)), 720, 420));
        stage.show();
    }

    private static String serverText(DeskOptions options) {
        if (options.server() != null) {
            return "Server: " + options.server();
        }
        try {
            return "Server: " + ServerLocator.fromEnvironment().defaultServerUrl();
        } catch (IllegalStateException e) {
            return "Server: unknown (" + e.getMessage() + ")";
        }
    }

    /** The one view of the placeholder: a title, what is coming, and the server. */
    private static final class PlaceholderView extends VBox {
        PlaceholderView(String serverText) {
            var title = new Label("Octvex Desk");
            title.getStyleClass().add(Styles.TITLE_1);
            var coming = new Label("The Desk surface (approvals, runs, fleet, audit) arrives with issue #7.");
            coming.setWrapText(true);
            var server = new Label(serverText);
            server.getStyleClass().add(Styles.TEXT_MUTED);
            server.setWrapText(true);
            getChildren().addAll(title, coming, server);
            setSpacing(12);
            setPadding(new Insets(32));
            setAlignment(Pos.CENTER_LEFT);
        }
    }
}
