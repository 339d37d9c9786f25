package io.octvex.desk.approvals;

import atlantafx.base.theme.Styles;
import io.octvex.desk.screen.LiveSync;
import io.octvex.protocol.ApprovalView;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextInputDialog;
import javafx.scene.control.TitledPane;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/**
 * The home screen: pending approvals, keyboard first. Up/Down move, A approves (in the browser with a security
 * key when the rule asks for a step-up, see {@link SecurityKeyApproval}), D denies (asks for a reason), Enter
 * shows the evidence and the votes. A thin view: state and I/O live in {@link ApprovalsModel}.
 */
public final class ApprovalsView extends BorderPane {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final ApprovalsModel model;
    private final SecurityKeyApproval securityKey;
    private final Label notice = new Label();
    private final ListView<ApprovalItem> list;
    private final Timeline ticker;
    private java.util.UUID selectedId;
    private int selectedIndex;

    public ApprovalsView(ApprovalsModel model, String who, SecurityKeyApproval securityKey) {
        this.model = model;
        this.securityKey = securityKey;

        var title = new Label("Approvals");
        title.getStyleClass().add(Styles.TITLE_3);
        var count = new Label();
        count.setId("pendingCount");
        count.getStyleClass().add(Styles.TEXT_MUTED);
        count.textProperty().bind(Bindings.size(model.pending()).asString("%d pending"));
        var whoLabel = new Label(who);
        whoLabel.getStyleClass().add(Styles.TEXT_MUTED);
        var sync = new Label();
        sync.setId("sync");
        model.syncProperty().addListener((obs, old, state) -> state.showIn(sync));
        model.syncProperty().get().showIn(sync);
        var stale = new Label();
        stale.setId("stale");
        stale.getStyleClass().addAll(Styles.WARNING, Styles.TEXT_SMALL);
        stale.textProperty().bind(model.staleSinceProperty().map(at -> "saved list from " + TIME.format(at)
                + ", not yet confirmed by the server"));
        stale.visibleProperty().bind(model.staleSinceProperty().isNotNull());
        stale.managedProperty().bind(stale.visibleProperty());
        var spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        var header = new HBox(12, title, count, stale, spacer, whoLabel, sync);
        header.setAlignment(Pos.BASELINE_LEFT);
        header.setPadding(new Insets(16, 16, 8, 16));

        list = new ListView<>(model.pending());
        list.setId("pending");
        list.setPlaceholder(new Label("Nothing waits for your approval."));
        list.setCellFactory(l -> new PendingCell());
        list.addEventFilter(KeyEvent.KEY_PRESSED, this::onKey);
        // a refresh replaces the items: keep the selection on the same approval, else at the same place
        list.getSelectionModel().selectedIndexProperty().addListener((obs, old, index) -> {
            if (index.intValue() >= 0) {
                selectedId = list.getItems().get(index.intValue()).id();
                selectedIndex = index.intValue();
            }
        });
        model.pending().addListener((javafx.collections.ListChangeListener<ApprovalItem>) c ->
                javafx.application.Platform.runLater(this::restoreSelection));
        list.opacityProperty().bind(Bindings.when(model.syncProperty().isEqualTo(LiveSync.OFFLINE)
                        .or(model.staleSinceProperty().isNotNull()))
                .then(0.6).otherwise(1.0));
        VBox.setVgrow(list, Priority.ALWAYS);

        var decided = new ListView<>(model.decided());
        decided.setId("decided");
        decided.setPrefHeight(140);
        decided.setPlaceholder(new Label("Nothing decided yet."));
        decided.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(ApprovalItem item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : item.source().status().wire() + "  ·  " + item.what()
                        + "  ·  " + (item.source().outcome() == null ? "" : item.source().outcome()));
            }
        });
        var history = new TitledPane("Decided", decided);
        history.setExpanded(false);
        history.setFocusTraversable(false);

        var center = new VBox(8, list, history);
        center.setPadding(new Insets(0, 16, 8, 16));

        notice.setId("notice");
        notice.setWrapText(true);
        model.noticeProperty().addListener((obs, old, n) -> say(n.text(), n.problem()));
        var keys = new Label("↑/↓ move   A approve (security key: in your browser)   D deny   Enter details");
        keys.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        var footer = new VBox(4, notice, keys);
        footer.setPadding(new Insets(8, 16, 12, 16));

        setTop(header);
        setCenter(center);
        setBottom(footer);

        ticker = new Timeline(new KeyFrame(Duration.seconds(1), e -> model.tick()));
        ticker.setCycleCount(Animation.INDEFINITE);
        ticker.play();
        sceneProperty().addListener((obs, old, scene) -> {
            if (scene != null) {
                javafx.application.Platform.runLater(list::requestFocus);
            } else {
                ticker.stop();
            }
        });
    }

    /** Selects the approval (now, or once a refresh brings it) and gives the list the focus. */
    public void reveal(java.util.UUID approvalId) {
        selectedId = approvalId;
        restoreSelection();
        list.requestFocus();
    }

    /** Asks for the reason to deny {@code item} (a notification's Deny), then denies it. */
    public void askDeny(ApprovalItem item) {
        askReason(item).ifPresent(reason -> model.deny(item, reason));
    }

    private void say(String text, boolean problem) {
        notice.setText(text);
        notice.getStyleClass().remove(Styles.DANGER);
        if (problem) {
            notice.getStyleClass().add(Styles.DANGER);
        }
    }

    /**
     * One vote; with a security key in the browser when the approval's rule asks for a step-up. Also what a
     * notification's approve action ends in, so that one never sends a plain vote the server refuses.
     */
    public void approve(ApprovalItem item) {
        if (item.needsSecurityKey()) {
            securityKey.approve(item, this::say);
        } else {
            model.approve(item);
        }
    }

    private void restoreSelection() {
        var items = list.getItems();
        if (items.isEmpty()) {
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).id().equals(selectedId)) {
                list.getSelectionModel().select(i);
                return;
            }
        }
        list.getSelectionModel().select(Math.min(Math.max(selectedIndex, 0), items.size() - 1));
    }

    private void onKey(KeyEvent e) {
        ApprovalItem selected = list.getSelectionModel().getSelectedItem();
        if (selected == null) {
            return;
        }
        if (e.getCode() == KeyCode.A && !e.isShortcutDown()) {
            e.consume();
            approve(selected);
        } else if (e.getCode() == KeyCode.D && !e.isShortcutDown()) {
            e.consume();
            askReason(selected).ifPresent(reason -> model.deny(selected, reason));
        } else if (e.getCode() == KeyCode.ENTER) {
            e.consume();
            showDetails(selected);
        }
    }

    private Optional<String> askReason(ApprovalItem item) {
        var dialog = new TextInputDialog();
        dialog.initOwner(getScene() == null ? null : getScene().getWindow());
        dialog.setTitle("Deny");
        dialog.setHeaderText("Deny " + item.what() + "?");
        dialog.setContentText("Reason (required):");
        dialog.getEditor().setId("denyReason");
        var ok = dialog.getDialogPane().lookupButton(ButtonType.OK);
        ok.disableProperty().bind(dialog.getEditor().textProperty().isEmpty());
        return dialog.showAndWait().filter(r -> !r.isBlank());
    }

    private void showDetails(ApprovalItem item) {
        var dialog = new Dialog<Void>();
        dialog.initOwner(getScene() == null ? null : getScene().getWindow());
        dialog.setTitle("Approval " + item.id());
        dialog.setHeaderText(item.what());
        var text = new TextArea(details(item));
        text.setId("details");
        text.setEditable(false);
        text.setWrapText(true);
        text.setPrefSize(640, 380);
        dialog.getDialogPane().setContent(text);
        dialog.getDialogPane().getButtonTypes().add(ButtonType.CLOSE);
        dialog.showAndWait();
    }

    static String details(ApprovalItem item) {
        var b = new StringBuilder();
        b.append("Action:     ").append(item.action()).append('\n');
        b.append("Request:    ").append(item.what()).append('\n');
        b.append("Rule:       ").append(item.rule()).append(" — ").append(item.message()).append('\n');
        b.append("Requester:  ").append(item.requester()).append('\n');
        b.append("Run:        ").append(item.runTitle()).append(" (").append(item.runId()).append(")\n");
        b.append("Step:       ").append(item.stepKey()).append('\n');
        b.append("Quorum:     ").append(item.approvals()).append('/').append(item.quorum())
                .append(" × ").append(item.approverRole()).append('\n');
        b.append("Expires:    ").append(item.expiresAt() == null ? "never" : TIME.format(item.expiresAt())).append('\n');
        b.append("\nVotes:\n");
        if (item.votes().isEmpty()) {
            b.append("  none yet\n");
        }
        for (ApprovalView.Vote v : item.votes()) {
            b.append("  ").append(v.principalName()).append(": ").append(v.vote())
                    .append(v.reason() == null ? "" : " — " + v.reason())
                    .append(v.at() == null ? "" : " at " + TIME.format(v.at())).append('\n');
        }
        b.append("\nEvidence (as recorded by the server):\n").append(item.source().evidence().toPrettyString());
        return b.toString();
    }

    /** One pending approval: what, why, who, and the countdown (re-rendered on every tick). */
    private final class PendingCell extends ListCell<ApprovalItem> {
        private final Label what = new Label();
        private final Label why = new Label();
        private final Label meta = new Label();
        private final Label countdown = new Label();
        private final Label securityKeyMark = new Label("Requires a security key");
        private final VBox box;

        PendingCell() {
            what.getStyleClass().add(Styles.TEXT_BOLD);
            meta.getStyleClass().add(Styles.TEXT_MUTED);
            var spacer = new Region();
            HBox.setHgrow(spacer, Priority.ALWAYS);
            securityKeyMark.getStyleClass().addAll(Styles.ACCENT, Styles.TEXT_SMALL);
            securityKeyMark.setId("securityKey");
            var top = new HBox(8, what, securityKeyMark, spacer, countdown);
            box = new VBox(4, top, why, meta);
            box.setPadding(new Insets(6, 4, 6, 4));
            model.nowProperty().addListener((obs, old, now) -> renderCountdown());
        }

        @Override
        protected void updateItem(ApprovalItem item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setGraphic(null);
                return;
            }
            what.setText(item.what());
            securityKeyMark.setVisible(item.needsSecurityKey());
            securityKeyMark.setManaged(item.needsSecurityKey());
            why.setText("Rule " + item.rule() + ": " + item.message());
            meta.setText("Requested by " + item.requester() + "   ·   run " + item.runTitle()
                    + (item.stepKey().isEmpty() ? "" : " / " + item.stepKey())
                    + "   ·   " + item.approvals() + "/" + item.quorum() + " approvals (" + item.approverRole() + ")");
            renderCountdown();
            setGraphic(box);
        }

        private void renderCountdown() {
            ApprovalItem item = getItem();
            if (item == null) {
                return;
            }
            var left = item.remaining(model.nowProperty().get());
            countdown.setText(left.isNegative() || left.isZero() ? "expired"
                    : "expires in " + ApprovalItem.countdown(left));
            countdown.getStyleClass().removeAll(Styles.WARNING, Styles.DANGER);
            if (left.toMinutes() < 5) {
                countdown.getStyleClass().add(left.isNegative() ? Styles.DANGER : Styles.WARNING);
            }
        }
    }
}
