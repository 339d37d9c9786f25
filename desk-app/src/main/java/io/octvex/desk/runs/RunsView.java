package io.octvex.desk.runs;

import atlantafx.base.theme.Styles;
import io.octvex.desk.screen.LiveSync;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepStatus;
import io.octvex.protocol.TimelineEntry;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * Runs: the filtered list on the left; the open run on the right with its step graph and its timeline.
 * Enter or a click opens a run; Cancel asks for confirmation (and an optional reason). A thin view: state and
 * I/O live in {@link RunsModel}.
 */
final class RunsView extends BorderPane {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("MMM d, HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final RunsModel model;
    private final ListView<RunView> list;
    private final Label runTitle = new Label();
    private final Label runStatus = new Label();
    private final Label runMeta = new Label();
    private final Button cancel = new Button("Cancel run…");
    private final StepGraphView graph = new StepGraphView();
    private final ListView<TimelineEntry> timeline = new ListView<>();

    RunsView(RunsModel model) {
        this.model = model;

        var title = new Label("Runs");
        title.getStyleClass().add(Styles.TITLE_3);
        var status = new ComboBox<RunStatus>();
        status.setId("statusFilter");
        status.getItems().add(null);
        status.getItems().addAll(RunStatus.values());
        // null is "any status": cells render it, as a converter is not asked for a null item's text
        status.setCellFactory(l -> new StatusCell());
        status.setButtonCell(new StatusCell());
        status.valueProperty().bindBidirectional(model.statusProperty());
        var since = new ComboBox<>(FXCollections.observableArrayList(RunsModel.Since.values()));
        since.setId("sinceFilter");
        since.valueProperty().bindBidirectional(model.sinceProperty());
        var sync = new Label();
        sync.setId("runsSync");
        model.syncProperty().addListener((obs, old, state) -> state.showIn(sync));
        model.syncProperty().get().showIn(sync);
        var spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        var header = new HBox(10, title, spacer, status, since, sync);
        header.setAlignment(Pos.CENTER_LEFT);
        header.setPadding(new Insets(16, 16, 8, 16));

        list = new ListView<>(model.runs());
        list.setId("runs");
        list.setPlaceholder(new Label("No runs match these filters."));
        list.setCellFactory(l -> new RunCell());
        list.getSelectionModel().selectedItemProperty().addListener((obs, old, run) -> {
            if (run != null && (old == null || !old.id().equals(run.id()))) {
                model.open(run.id());
            }
        });
        // a refresh replaces the items: keep the open run selected
        model.runs().addListener((javafx.collections.ListChangeListener<RunView>) c ->
                javafx.application.Platform.runLater(this::restoreSelection));
        list.opacityProperty().bind(javafx.beans.binding.Bindings.when(
                model.syncProperty().isEqualTo(LiveSync.OFFLINE)).then(0.6).otherwise(1.0));
        list.setMinWidth(260);

        var loadMore = new Button("Load more");
        loadMore.setId("runsMore");
        loadMore.setMaxWidth(Double.MAX_VALUE);
        loadMore.setOnAction(e -> model.loadMore());
        loadMore.visibleProperty().bind(model.moreProperty());
        loadMore.managedProperty().bind(loadMore.visibleProperty());
        VBox.setVgrow(list, Priority.ALWAYS);
        var listPane = new VBox(6, list, loadMore);
        listPane.setMinWidth(260);

        var detail = detailPane();
        var split = new SplitPane(listPane, detail);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.36);
        SplitPane.setResizableWithParent(listPane, false);

        var notice = new Label();
        notice.setId("runsNotice");
        notice.setWrapText(true);
        model.noticeProperty().addListener((obs, old, n) -> {
            notice.setText(n.text());
            notice.getStyleClass().remove(Styles.DANGER);
            if (n.problem()) {
                notice.getStyleClass().add(Styles.DANGER);
            }
        });
        var footer = new VBox(notice);
        footer.setPadding(new Insets(6, 16, 10, 16));

        setTop(header);
        setCenter(split);
        setBottom(footer);
        BorderPane.setMargin(split, new Insets(0, 16, 0, 16));
        model.detailProperty().addListener((obs, old, d) -> show(d));
        show(model.detailProperty().get());
    }

    private VBox detailPane() {
        runTitle.setId("runTitle");
        runTitle.getStyleClass().add(Styles.TITLE_4);
        runStatus.setId("runStatus");
        runMeta.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        cancel.setId("cancelRun");
        cancel.getStyleClass().add(Styles.DANGER);
        cancel.setOnAction(e -> {
            var d = model.detailProperty().get();
            if (d != null) {
                confirmCancel(d.run()).ifPresent(reason -> model.cancel(d.run(), reason));
            }
        });
        var spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        var head = new HBox(10, runTitle, runStatus, spacer, cancel);
        head.setAlignment(Pos.CENTER_LEFT);

        var graphScroll = new ScrollPane(graph);
        graphScroll.setPrefViewportHeight(150);
        graphScroll.setMinHeight(90);
        graphScroll.setFitToHeight(false);
        var graphTitle = new Label("Steps");
        graphTitle.getStyleClass().add(Styles.TEXT_BOLD);
        var timelineTitle = new Label("Timeline");
        timelineTitle.getStyleClass().add(Styles.TEXT_BOLD);

        timeline.setId("timeline");
        timeline.setCellFactory(l -> new TimelineCell(model));
        timeline.setPlaceholder(new Label("Open a run to see what happened."));
        VBox.setVgrow(timeline, Priority.ALWAYS);

        var box = new VBox(8, head, runMeta, graphTitle, graphScroll, timelineTitle, timeline);
        box.setPadding(new Insets(8, 4, 8, 12));
        return box;
    }

    private void show(RunsModel.Detail d) {
        boolean open = d != null;
        runTitle.setText(open ? d.run().title() : "No run open");
        runStatus.setText(open ? d.run().status().wire() : "");
        runStatus.getStyleClass().removeAll(Styles.SUCCESS, Styles.DANGER, Styles.WARNING, Styles.ACCENT,
                Styles.TEXT_MUTED);
        if (open) {
            runStatus.getStyleClass().add(statusStyle(d.run().status()));
        }
        runMeta.setText(open ? "run " + d.run().id() + "   ·   created " + WHEN.format(d.run().createdAt())
                + "   ·   " + d.timeline().entries().size() + " events" : "");
        cancel.setDisable(!open || d.run().status().terminal());
        graph.show(open ? d.run().steps() : java.util.List.of());
        int keep = timeline.getItems().size();
        boolean atEnd = keep == 0 || timeline.getSelectionModel().getSelectedIndex() < 0;
        timeline.getItems().setAll(open ? d.timeline().entries() : java.util.List.of());
        if (atEnd && !timeline.getItems().isEmpty()) {
            timeline.scrollTo(timeline.getItems().size() - 1); // follow the run as it goes
        }
    }

    private void restoreSelection() {
        var d = model.detailProperty().get();
        if (d == null) {
            return;
        }
        var items = list.getItems();
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).id().equals(d.run().id())) {
                if (list.getSelectionModel().getSelectedIndex() != i) {
                    list.getSelectionModel().select(i);
                }
                return;
            }
        }
    }

    /** Asks before cancelling; the answer is the optional reason ("" for none), empty when not confirmed. */
    private Optional<String> confirmCancel(RunView run) {
        var dialog = new Dialog<String>();
        dialog.initOwner(getScene() == null ? null : getScene().getWindow());
        dialog.setTitle("Cancel run");
        dialog.setHeaderText("Cancel \"" + run.title() + "\"? Steps still to run will not start; running "
                + "steps are told to stop.");
        var reason = new TextField();
        reason.setId("cancelReason");
        reason.setPromptText("reason (optional, recorded in the audit log)");
        dialog.getDialogPane().setContent(reason);
        var yes = new ButtonType("Cancel run", ButtonBar.ButtonData.OK_DONE);
        var no = new ButtonType("Keep running", ButtonBar.ButtonData.CANCEL_CLOSE);
        dialog.getDialogPane().getButtonTypes().setAll(yes, no);
        dialog.getDialogPane().lookupButton(yes).setId("confirmCancel");
        dialog.getDialogPane().lookupButton(yes).getStyleClass().add(Styles.DANGER);
        dialog.setResultConverter(b -> b == yes ? reason.getText() : null);
        javafx.application.Platform.runLater(reason::requestFocus);
        return dialog.showAndWait();
    }

    static String statusStyle(RunStatus status) {
        return switch (status) {
            case COMPLETED -> Styles.SUCCESS;
            case FAILED -> Styles.DANGER;
            case BLOCKED -> Styles.WARNING;
            case RUNNING -> Styles.ACCENT;
            case PLANNING, QUEUED, CANCELLED -> Styles.TEXT_MUTED;
        };
    }

    private static final class StatusCell extends ListCell<RunStatus> {
        @Override
        protected void updateItem(RunStatus item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty ? null : item == null ? "Any status" : item.wire());
        }
    }

    /** One run: title, status, steps done, when. */
    private static final class RunCell extends ListCell<RunView> {
        private final Label title = new Label();
        private final Label status = new Label();
        private final Label meta = new Label();
        private final VBox box;

        RunCell() {
            title.getStyleClass().add(Styles.TEXT_BOLD);
            meta.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
            var spacer = new Region();
            HBox.setHgrow(spacer, Priority.ALWAYS);
            box = new VBox(2, new HBox(8, title, spacer, status), meta);
            box.setPadding(new Insets(4, 2, 4, 2));
        }

        @Override
        protected void updateItem(RunView run, boolean empty) {
            super.updateItem(run, empty);
            if (empty || run == null) {
                setGraphic(null);
                return;
            }
            title.setText(run.title());
            status.setText(run.status().wire());
            status.getStyleClass().removeAll(Styles.SUCCESS, Styles.DANGER, Styles.WARNING, Styles.ACCENT,
                    Styles.TEXT_MUTED);
            status.getStyleClass().add(statusStyle(run.status()));
            long done = run.steps().stream().filter(s -> s.status() == StepStatus.COMPLETED).count();
            meta.setText(done + "/" + run.steps().size() + " steps done   ·   " + WHEN.format(run.createdAt()));
            setGraphic(box);
        }
    }
}
