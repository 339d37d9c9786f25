package io.octvex.desk.fleet;

import atlantafx.base.theme.Styles;
import io.octvex.protocol.EdgeState;
import io.octvex.protocol.EdgeView;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/**
 * Fleet: the edges serving the workspace in a table, actions on the selected one (quarantine and drain ask
 * first), and a chart of queue depth and active leases sampled while the screen is shown. A thin view: state
 * and I/O live in {@link FleetModel}.
 */
final class FleetView extends BorderPane {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final FleetModel model;
    private final TableView<EdgeView> table = new TableView<>();
    private final Timeline ticker;
    private java.util.UUID selectedId;

    FleetView(FleetModel model) {
        this.model = model;

        var title = new Label("Fleet");
        title.getStyleClass().add(Styles.TITLE_3);
        var count = new Label();
        count.getStyleClass().add(Styles.TEXT_MUTED);
        count.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> model.edges().size() == 1 ? "1 edge" : model.edges().size() + " edges", model.edges()));
        var sync = new Label();
        sync.setId("fleetSync");
        model.syncProperty().addListener((obs, old, state) -> state.showIn(sync));
        model.syncProperty().get().showIn(sync);
        var spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        var header = new HBox(12, title, count, spacer, sync);
        header.setAlignment(Pos.BASELINE_LEFT);
        header.setPadding(new Insets(16, 16, 8, 16));

        table.setId("edges");
        table.setItems(model.edges());
        table.setPlaceholder(new Label("No edge serves this workspace. Enrol one: ./octvex edge enroll …"));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().setAll(
                column("Edge", 130, EdgeView::name),
                stateColumn(),
                column("Labels", 150, e -> e.labels().entrySet().stream().map(l -> l.getKey() + "=" + l.getValue())
                        .sorted().reduce((a, b) -> a + ", " + b).orElse("—")),
                column("Load", 70, e -> e.activeLeases() + " / " + e.capacity()),
                column("Heartbeat", 90, e -> age(model.heartbeatAge(e))),
                column("Latency", 70, e -> e.latencyMillis() == null ? "—" : e.latencyMillis() + " ms"),
                column("Failures", 70, e -> Integer.toString(e.consecutiveFailures())),
                column("Handlers", 120, e -> String.join(", ", e.capabilities())));
        table.getStyleClass().add(Styles.DENSE);
        VBox.setVgrow(table, Priority.ALWAYS);

        var quarantine = new Button("Quarantine…");
        quarantine.setId("quarantine");
        quarantine.getStyleClass().add(Styles.DANGER);
        var drain = new Button("Drain…");
        drain.setId("drain");
        var release = new Button("Un-quarantine");
        release.setId("release");
        quarantine.setOnAction(e -> confirm(selected(), "Quarantine", "gets no new leases; its running steps "
                + "finish. Un-quarantine brings it back.", model::quarantine));
        drain.setOnAction(e -> confirm(selected(), "Drain", "gets no new leases and exits once its running "
                + "steps are done.", model::drain));
        release.setOnAction(e -> {
            if (selected() != null) {
                model.release(selected());
            }
        });
        Runnable enable = () -> {
            EdgeView edge = selected();
            EdgeState state = edge == null ? null : edge.state();
            quarantine.setDisable(state != EdgeState.ACTIVE && state != EdgeState.DRAINING);
            drain.setDisable(state != EdgeState.ACTIVE && state != EdgeState.QUARANTINED);
            release.setDisable(state != EdgeState.QUARANTINED && state != EdgeState.DRAINING);
            release.setText(state == EdgeState.DRAINING ? "Stop draining" : "Un-quarantine");
        };
        table.getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> {
            if (now != null) {
                selectedId = now.id();
            }
            enable.run();
        });
        // a refresh replaces the rows: keep the same edge selected, so an action never loses its target
        model.edges().addListener((ListChangeListener<EdgeView>) c -> {
            for (int i = 0; i < model.edges().size(); i++) {
                if (model.edges().get(i).id().equals(selectedId)) {
                    table.getSelectionModel().select(i);
                    break;
                }
            }
            enable.run();
        });
        enable.run();
        var actions = new HBox(8, quarantine, drain, release);

        var chart = chart();
        var center = new VBox(8, table, actions, chart);
        center.setPadding(new Insets(0, 16, 8, 16));

        var notice = new Label();
        notice.setId("fleetNotice");
        notice.setWrapText(true);
        model.noticeProperty().addListener((obs, old, n) -> {
            notice.setText(n.text());
            notice.getStyleClass().remove(Styles.DANGER);
            if (n.problem()) {
                notice.getStyleClass().add(Styles.DANGER);
            }
        });
        var footer = new VBox(notice);
        footer.setPadding(new Insets(4, 16, 10, 16));

        setTop(header);
        setCenter(center);
        setBottom(footer);

        // heartbeat ages move every second: a clock tick and a re-render, no I/O
        ticker = new Timeline(new KeyFrame(javafx.util.Duration.seconds(1), e -> {
            model.tick();
            table.refresh();
        }));
        ticker.setCycleCount(Animation.INDEFINITE);
    }

    /** The screen is shown or hidden: ticks and samples only while it is seen. */
    void shown(boolean visible) {
        if (visible) {
            ticker.play();
            model.startSampling();
        } else {
            ticker.stop();
            model.stopSampling();
        }
    }

    private EdgeView selected() {
        return table.getSelectionModel().getSelectedItem();
    }

    private void confirm(EdgeView edge, String verb, String effect, Consumer<EdgeView> action) {
        if (edge == null) {
            return;
        }
        var alert = new Alert(Alert.AlertType.CONFIRMATION, edge.name() + " " + effect, ButtonType.OK, ButtonType.CANCEL);
        alert.initOwner(getScene() == null ? null : getScene().getWindow());
        alert.setTitle(verb + " edge");
        alert.setHeaderText(verb + " " + edge.name() + "?");
        ((Button) alert.getDialogPane().lookupButton(ButtonType.OK)).setText(verb);
        alert.getDialogPane().lookupButton(ButtonType.OK).setId("confirmEdgeAction");
        alert.showAndWait().filter(b -> b == ButtonType.OK).ifPresent(b -> action.accept(edge));
    }

    private LineChart<Number, Number> chart() {
        // both axes ranged by hand: whole seconds and whole steps (auto-ranging repeats second labels and shows
        // a flat 0.0 axis while nothing is queued)
        var x = new NumberAxis();
        x.setAutoRanging(false);
        x.setTickLabelFormatter(new StringConverter<>() {
            @Override
            public String toString(Number seconds) {
                return CLOCK.format(Instant.ofEpochSecond(seconds.longValue()));
            }

            @Override
            public Number fromString(String text) {
                return 0;
            }
        });
        var y = new NumberAxis(0, 4, 1);
        y.setAutoRanging(false);
        y.setLabel("steps");
        y.setMinorTickVisible(false);
        x.setMinorTickVisible(false);
        y.setTickLabelFormatter(new StringConverter<>() {
            @Override
            public String toString(Number n) {
                return Integer.toString(n.intValue());
            }

            @Override
            public Number fromString(String text) {
                return 0;
            }
        });
        var chart = new LineChart<>(x, y);
        chart.setId("fleetChart");
        chart.setTitle("Queue depth and active leases (sampled while this screen is open)");
        chart.setAnimated(false);
        chart.setCreateSymbols(true);
        chart.setPrefHeight(220);
        chart.setMinHeight(180);
        var queued = new XYChart.Series<Number, Number>();
        queued.setName("queued steps");
        var leases = new XYChart.Series<Number, Number>();
        leases.setName("active leases");
        chart.getData().addAll(queued, leases);
        model.samples().addListener((ListChangeListener<FleetModel.Sample>) c -> {
            var samples = model.samples();
            queued.getData().setAll(samples.stream()
                    .map(s -> new XYChart.Data<Number, Number>(s.at().getEpochSecond(), s.queuedSteps())).toList());
            leases.getData().setAll(samples.stream()
                    .map(s -> new XYChart.Data<Number, Number>(s.at().getEpochSecond(), s.activeLeases())).toList());
            if (samples.isEmpty()) {
                return;
            }
            long first = samples.getFirst().at().getEpochSecond();
            long span = Math.max(10, samples.getLast().at().getEpochSecond() - first);
            x.setLowerBound(first);
            x.setUpperBound(first + span);
            x.setTickUnit(Math.max(1, Math.round(span / 6.0)));
            int top = samples.stream().mapToInt(s -> Math.max(s.queuedSteps(), s.activeLeases())).max().orElse(0);
            int upper = Math.max(4, top + 1);
            y.setUpperBound(upper);
            y.setTickUnit(Math.max(1, (int) Math.ceil(upper / 4.0)));
        });
        return chart;
    }

    private static TableColumn<EdgeView, String> column(String title, double width, Function<EdgeView, String> text) {
        var column = new TableColumn<EdgeView, String>(title);
        column.setPrefWidth(width);
        column.setCellValueFactory(c -> new ReadOnlyStringWrapper(text.apply(c.getValue())));
        return column;
    }

    private static TableColumn<EdgeView, String> stateColumn() {
        var column = column("Status", 110, e -> e.state().wire() + (e.state() == EdgeState.ACTIVE && !e.healthy()
                ? ", silent" : ""));
        column.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(String text, boolean empty) {
                super.updateItem(text, empty);
                getStyleClass().removeAll(Styles.SUCCESS, Styles.WARNING, Styles.DANGER);
                setText(empty ? null : text);
                EdgeView edge = empty || getTableRow() == null ? null : getTableRow().getItem();
                if (edge != null) {
                    getStyleClass().add(switch (edge.state()) {
                        case ACTIVE -> edge.healthy() ? Styles.SUCCESS : Styles.WARNING;
                        case DRAINING -> Styles.WARNING;
                        case QUARANTINED, REVOKED -> Styles.DANGER;
                    });
                }
            }
        });
        column.setId("stateColumn");
        return column;
    }

    static String age(Duration age) {
        if (age == null) {
            return "never";
        }
        long s = Math.max(0, age.toSeconds());
        return s < 60 ? s + " s ago" : s < 3600 ? s / 60 + " min ago" : s / 3600 + " h ago";
    }
}
