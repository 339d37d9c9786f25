package io.octvex.desk.policy;

import atlantafx.base.theme.Styles;
import io.octvex.protocol.PolicyVersionView;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.text.Font;
import org.fxmisc.flowless.VirtualizedScrollPane;
import org.fxmisc.richtext.CodeArea;
import org.fxmisc.richtext.LineNumberFactory;

/**
 * The policy editor: the YAML draft, its problems (a click puts the caret on the line and selects it), the
 * stored versions with diff and activate/rollback, and "explain". The editor is a RichTextFX {@link CodeArea}
 * with line numbers, styled by {@link PolicyHighlighter} (ADR 0032). A thin view over {@link PolicyModel}.
 */
final class PolicyView extends BorderPane {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());

    private final CodeArea editor = new CodeArea();

    PolicyView(PolicyModel model) {
        var title = new Label("Policy");
        title.getStyleClass().add(Styles.TITLE_3);
        var check = button("policyCheck", "Check", model::check);
        var tests = button("policyTests", "Run tests (save inactive)", model::runTests);
        var activate = button("policySaveActivate", "Save & activate", model::saveAndActivate);
        activate.getStyleClass().add(Styles.ACCENT);
        var reload = button("policyReload", "Reload", model::load);
        var spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        var header = new HBox(8, title, spacer, reload, check, tests, activate);
        header.setAlignment(Pos.CENTER_LEFT);
        for (var b : new Button[] {check, tests, activate, reload}) {
            b.disableProperty().bind(model.busyProperty());
        }

        editor.setId("policyEditor");
        editor.getStyleClass().add("policy-editor");
        editor.getStylesheets().add(PolicyView.class.getResource("policy-editor.css").toExternalForm());
        editor.setParagraphGraphicFactory(LineNumberFactory.get(editor));
        // restyled on every change: a policy is a few hundred lines at most
        editor.textProperty().addListener((obs, old, text) -> {
            editor.setStyleSpans(0, PolicyHighlighter.highlight(text));
            if (!text.equals(model.documentProperty().get())) {
                model.documentProperty().set(text);
            }
        });
        model.documentProperty().addListener((obs, old, text) -> show(text));
        show(model.documentProperty().get());
        var caret = new Label();
        caret.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        caret.textProperty().bind(Bindings.createStringBinding(() -> position(editor.getText(),
                editor.getCaretPosition()), editor.caretPositionProperty(), editor.textProperty()));

        var problems = new ListView<>(model.problems());
        problems.setId("policyProblems");
        problems.setPrefHeight(110);
        problems.setPlaceholder(new Label("No problems found. Check compiles the draft; Run tests also runs its tests."));
        problems.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(PolicyProblem p, boolean empty) {
                super.updateItem(p, empty);
                setText(empty || p == null ? null : p.toString());
                getStyleClass().remove(Styles.DANGER);
                if (!empty && p != null) {
                    getStyleClass().add(Styles.DANGER);
                }
            }
        });
        problems.getSelectionModel().selectedItemProperty().addListener((obs, old, p) -> mark(p));
        model.problems().addListener((javafx.collections.ListChangeListener<PolicyProblem>) c -> {
            model.problems().stream().filter(p -> p.line() > 0).findFirst().ifPresent(this::mark);
        });
        var scrolled = new VirtualizedScrollPane<>(editor);
        VBox.setVgrow(scrolled, Priority.ALWAYS);
        var left = new VBox(6, scrolled, caret, problems);

        var versions = new ListView<>(model.versions());
        versions.setId("policyVersions");
        versions.setPlaceholder(new Label("No versions yet."));
        versions.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(PolicyVersionView v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty || v == null ? null : "v" + v.version() + (v.active() ? "  ● active" : "")
                        + "   " + TIME.format(v.createdAt()) + "   " + v.testCount() + (v.testCount() == 1 ? " test" : " tests"));
                getStyleClass().remove(Styles.TEXT_BOLD);
                if (!empty && v != null && v.active()) {
                    getStyleClass().add(Styles.TEXT_BOLD);
                }
            }
        });
        versions.setPrefHeight(150);
        var selected = versions.getSelectionModel().selectedItemProperty();
        var diff = button("policyDiff", "Diff against active", () -> model.diffAgainstActive(selected.get()));
        var rollback = button("policyActivate", "Activate (roll back)", () -> model.activate(selected.get()));
        var open = button("policyOpen", "Edit a copy", () -> model.documentProperty().set(selected.get().document()));
        for (var b : new Button[] {diff, rollback, open}) {
            b.disableProperty().bind(selected.isNull().or(model.busyProperty()));
        }

        var principal = field("explainPrincipal", "principal (blank: me)");
        var action = field("explainAction", "action, e.g. http.request");
        var resource = field("explainResource", "resource, e.g. https://api.example.com/v1");
        var method = field("explainMethod", "method, e.g. GET");
        var explain = button("policyExplain", "Explain", () -> model.explain(principal.getText(), action.getText(),
                resource.getText(), method.getText()));
        explain.disableProperty().bind(model.busyProperty());
        var output = new TextArea();
        output.setId("policyOutput");
        output.setEditable(false);
        output.setFont(Font.font("Monospaced", 12));
        output.textProperty().bind(model.outputProperty());
        VBox.setVgrow(output, Priority.ALWAYS);

        var right = new VBox(6, section("Versions"), versions, new FlowPane(6, 6, diff, rollback, open),
                section("Explain (active policy)"), principal, action, resource, new HBox(6, method, explain), output);
        right.setMinWidth(300);

        var split = new SplitPane(left, right);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.58);
        VBox.setVgrow(split, Priority.ALWAYS);

        var notice = new Label();
        notice.setId("policyNotice");
        notice.setWrapText(true);
        model.noticeProperty().addListener((obs, old, n) -> {
            notice.setText(n.text());
            notice.getStyleClass().remove(Styles.DANGER);
            if (n.problem()) {
                notice.getStyleClass().add(Styles.DANGER);
            }
        });
        var content = new VBox(10, header, split, notice);
        content.setPadding(new Insets(16));
        setCenter(content);
    }

    /** Puts the model's document in the editor, unless it holds it already (the edit came from there). */
    private void show(String text) {
        String wanted = text == null ? "" : text;
        if (!wanted.equals(editor.getText())) {
            editor.replaceText(wanted);
        }
    }

    /** Selects the problem's line in the editor (the column is in the list), so it stands out. */
    private void mark(PolicyProblem p) {
        if (p == null || p.line() <= 0) {
            return;
        }
        String text = editor.getText();
        int start = 0;
        for (int line = 1; line < p.line() && start >= 0; line++) {
            start = text.indexOf('\n', start) + 1;
            if (start == 0) {
                return; // past the end: the document changed since
            }
        }
        int end = text.indexOf('\n', start);
        end = end < 0 ? text.length() : end;
        int from = start;
        int to = end;
        editor.selectRange(from, to);
        editor.requestFollowCaret();
        editor.requestFocus();
        // gaining focus may reset the selection (the text behaviour does so on some platforms): select again after
        javafx.application.Platform.runLater(() -> editor.selectRange(from, to));
    }

    /** "Line 3, column 38" of the caret, 1-based as the server counts. */
    static String position(String text, int caret) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < Math.min(caret, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return "Line " + line + ", column " + (caret - lineStart + 1);
    }

    private static Label section(String text) {
        var l = new Label(text);
        l.getStyleClass().add(Styles.TEXT_BOLD);
        return l;
    }

    private static TextField field(String id, String prompt) {
        var f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        return f;
    }

    private static Button button(String id, String text, Runnable action) {
        var b = new Button(text);
        b.setId(id);
        b.setOnAction(e -> action.run());
        return b;
    }
}
