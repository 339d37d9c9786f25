package io.octvex.desk.edge;

import atlantafx.base.theme.Styles;
import io.octvex.desk.connect.DeskSession;
import io.octvex.desk.edge.BundledEdgeModel.Phase;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.layout.VBox;

/**
 * The bundled edge's part of the Settings screen: the switch, what the edge is doing, who it is, and the steps
 * running on it now. A thin view over {@link BundledEdgeModel}.
 */
final class BundledEdgeView extends VBox {

    BundledEdgeView(BundledEdgeModel model, DeskSession session) {
        super(6);
        var toggle = new CheckBox("Run a local edge together with the Desk (steps pinned to host="
                + EdgeEnroller.labels().get("host") + " run here)");
        toggle.setId("bundledEdge");
        toggle.setSelected(model.wantedProperty().get());
        toggle.selectedProperty().addListener((obs, was, now) -> {
            if (now) {
                model.turnOn(session);
            } else {
                model.turnOff(session);
            }
        });
        toggle.disableProperty().bind(model.phaseProperty().isEqualTo(Phase.DRAINING)
                .or(model.phaseProperty().isEqualTo(Phase.STARTING)));

        var status = new Label();
        status.setId("bundledEdgeStatus");
        status.setWrapText(true);
        status.textProperty().bind(model.statusProperty());
        model.phaseProperty().addListener((obs, was, now) -> mark(status, now));
        mark(status, model.phaseProperty().get());

        var connection = label("bundledEdgeConnection");
        connection.textProperty().bind(model.connectionProperty());
        connection.visibleProperty().bind(connection.textProperty().isNotEmpty()); // no blank line when off
        connection.managedProperty().bind(connection.visibleProperty());
        var identity = label("bundledEdgeIdentity");
        identity.textProperty().bind(model.identityProperty());
        identity.visibleProperty().bind(model.phaseProperty().isEqualTo(Phase.ON)
                .or(model.phaseProperty().isEqualTo(Phase.DRAINING)));
        identity.managedProperty().bind(identity.visibleProperty());

        var running = new ListView<>(model.running());
        running.setId("bundledEdgeSteps");
        running.setPlaceholder(new Label("No steps running here now."));
        running.setPrefHeight(90);

        var note = label(null);
        note.setText("The edge runs inside the Desk for the workspace you are in, with a browser whose profiles live in "
                + "the Desk's data folder. Switching it off drains it first: no new steps, the running ones finish.");
        getChildren().addAll(toggle, status, connection, identity, new Label("Running here now:"), running, note);
    }

    private static Label label(String id) {
        var l = new Label();
        l.setId(id);
        l.setWrapText(true);
        l.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        return l;
    }

    private static void mark(Label status, Phase phase) {
        status.getStyleClass().removeAll(Styles.SUCCESS, Styles.WARNING, Styles.DANGER);
        switch (phase) {
            case ON -> status.getStyleClass().add(Styles.SUCCESS);
            case DRAINING, STARTING, WAITING_FOR_UNLOCK, WAITING_FOR_SIGN_IN -> status.getStyleClass().add(Styles.WARNING);
            case FAILED -> status.getStyleClass().add(Styles.DANGER);
            case OFF -> { }
        }
    }
}
