package io.octvex.desk.audit;

import atlantafx.base.theme.Styles;
import atlantafx.base.theme.Tweaks;
import java.io.File;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

/** Search the log, verify its chain, export what was found. A thin view over {@link AuditModel}. */
final class AuditView extends BorderPane {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    AuditView(AuditModel model) {
        var title = new Label("Audit");
        title.getStyleClass().add(Styles.TITLE_3);
        var verify = new Button("Verify chain");
        verify.setId("verifyChain");
        verify.setOnAction(e -> model.verify());
        var chain = new Label();
        chain.setId("chainResult");
        model.chainProperty().addListener((obs, old, n) -> {
            chain.setText(n == null ? "" : n.text());
            chain.getStyleClass().removeAll(Styles.DANGER, Styles.SUCCESS);
            if (n != null) {
                chain.getStyleClass().add(n.problem() ? Styles.DANGER : Styles.SUCCESS);
            }
        });
        var spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        var header = new HBox(12, title, spacer, chain, verify);
        header.setAlignment(Pos.CENTER_LEFT);

        var run = field("auditRun", "Run id", 200);
        var type = field("auditType", "Type, e.g. approval. or run.*", 170);
        var principal = field("auditPrincipal", "Principal (name or id)", 180);
        var from = field("auditFrom", "From (2026-11-24)", 170);
        var to = field("auditTo", "To (2026-11-24 18:00)", 200);
        var search = new Button("Search");
        search.setId("auditSearch");
        search.getStyleClass().add(Styles.ACCENT);
        search.setOnAction(e -> model.search(run.getText(), type.getText(), principal.getText(), from.getText(),
                to.getText()));
        for (var f : new TextField[] {run, type, principal, from, to}) {
            f.setOnAction(e -> search.fire()); // Enter in any field searches
        }
        var export = new Button("Export JSONL…");
        export.setId("auditExport");
        export.setOnAction(e -> {
            var chooser = new FileChooser();
            chooser.setTitle("Export audit events");
            chooser.setInitialFileName("octvex-audit.jsonl");
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("JSON lines", "*.jsonl"));
            File file = chooser.showSaveDialog(getScene().getWindow());
            if (file != null) {
                model.export(file.toPath());
            }
        });
        search.disableProperty().bind(model.busyProperty());
        export.disableProperty().bind(model.busyProperty());
        verify.disableProperty().bind(model.busyProperty());
        var filters = new FlowPane(8, 8, run, type, principal, from, to, search, export);

        var table = new TableView<>(model.rows());
        table.setId("auditEvents");
        table.getStyleClass().addAll(Styles.DENSE, Tweaks.EDGE_TO_EDGE);
        table.setPlaceholder(new Label("Search to list events (all fields empty: the whole log)."));
        table.getColumns().setAll(java.util.List.of(
                column("#", 60, r -> Long.toString(r.event().seq())),
                column("Time", 190, r -> r.event().at() == null ? "" : TIME.format(r.event().at())),
                column("Type", 190, r -> r.event().type()),
                column("Principal", 110, AuditModel.Row::principal),
                column("Run", 110, r -> r.event().runId() == null ? "" : r.event().runId().toString().substring(0, 8)),
                column("Data", 420, r -> r.event().data() == null ? "" : r.event().data().toString())));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        VBox.setVgrow(table, Priority.ALWAYS);

        var loadMore = new Button("Load more");
        loadMore.setId("auditMore");
        loadMore.setOnAction(e -> model.loadMore());
        loadMore.visibleProperty().bind(model.moreProperty());
        loadMore.managedProperty().bind(loadMore.visibleProperty());
        loadMore.disableProperty().bind(model.busyProperty());

        var notice = new Label();
        notice.setId("auditNotice");
        notice.setWrapText(true);
        model.noticeProperty().addListener((obs, old, n) -> {
            notice.setText(n.text());
            notice.getStyleClass().remove(Styles.DANGER);
            if (n.problem()) {
                notice.getStyleClass().add(Styles.DANGER);
            }
        });

        var footer = new HBox(12, loadMore, notice);
        footer.setAlignment(Pos.CENTER_LEFT);
        var content = new VBox(10, header, filters, table, footer);
        content.setPadding(new Insets(16));
        setCenter(content);
    }

    private static TextField field(String id, String prompt, double width) {
        var f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        f.setPrefWidth(width);
        return f;
    }

    private static TableColumn<AuditModel.Row, String> column(String name, double width,
                                                               java.util.function.Function<AuditModel.Row, String> value) {
        var c = new TableColumn<AuditModel.Row, String>(name);
        c.setPrefWidth(width);
        c.setCellValueFactory(d -> new ReadOnlyStringWrapper(value.apply(d.getValue())));
        return c;
    }
}
