package io.octvex.desk.workspaces;

import atlantafx.base.theme.Styles;
import io.octvex.protocol.MemberView;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.Role;
import io.octvex.protocol.Scope;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.text.Font;

/**
 * Workspaces, members with roles, API tokens and edge enrolment tokens. A new token's secret appears once in
 * a banner with a copy button; "Done" forgets it. A thin view over {@link WorkspacesModel}.
 */
final class WorkspacesView extends BorderPane {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneId.systemDefault());

    WorkspacesView(WorkspacesModel model, String current) {
        var title = new Label("Workspaces & members");
        title.getStyleClass().add(Styles.TITLE_3);
        var where = new Label("Members and tokens of " + current);
        where.getStyleClass().add(Styles.TEXT_MUTED);
        var reload = new Button("Reload");
        reload.setOnAction(e -> model.load());
        var spacer = new javafx.scene.layout.Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        var header = new HBox(12, title, where, spacer, reload);
        header.setAlignment(Pos.BASELINE_LEFT);

        var tabs = new TabPane(tab("Members", members(model, current)), tab("API tokens", tokens(model)),
                tab("Edge enrolment", enrollments(model)), tab("Workspaces", workspaces(model)));
        tabs.setId("workspaceTabs");
        VBox.setVgrow(tabs, Priority.ALWAYS);

        var notice = new Label();
        notice.setId("workspacesNotice");
        notice.setWrapText(true);
        model.noticeProperty().addListener((obs, old, n) -> {
            notice.setText(n.text());
            notice.getStyleClass().remove(Styles.DANGER);
            if (n.problem()) {
                notice.getStyleClass().add(Styles.DANGER);
            }
        });
        var content = new VBox(10, header, secretBanner(model), tabs, notice);
        content.setPadding(new Insets(16));
        setCenter(content);
    }

    /** The secret just issued, with Copy and Done; hidden when there is none. */
    private static VBox secretBanner(WorkspacesModel model) {
        var what = new Label();
        what.getStyleClass().add(Styles.TEXT_BOLD);
        var warning = new Label("Copy it now: it is shown only this once and cannot be shown again.");
        var secret = new TextField();
        secret.setId("secret");
        secret.setEditable(false);
        secret.setFont(Font.font("Monospaced", 13));
        HBox.setHgrow(secret, Priority.ALWAYS);
        var copy = new Button("Copy");
        copy.setId("copySecret");
        copy.getStyleClass().add(Styles.ACCENT);
        copy.setOnAction(e -> {
            var content = new ClipboardContent();
            content.putString(secret.getText());
            Clipboard.getSystemClipboard().setContent(content);
            copy.setText("Copied");
        });
        var done = new Button("Done");
        done.setId("dismissSecret");
        done.setOnAction(e -> model.dismissSecret());
        var banner = new VBox(6, what, warning, new HBox(8, secret, copy, done));
        banner.setId("secretBanner");
        banner.getStyleClass().addAll(Styles.BG_WARNING_SUBTLE, Styles.BORDER_DEFAULT);
        banner.setPadding(new Insets(10));
        banner.setVisible(false);
        banner.managedProperty().bind(banner.visibleProperty());
        model.revealedProperty().addListener((obs, old, r) -> {
            banner.setVisible(r != null);
            what.setText(r == null ? "" : r.what());
            secret.setText(r == null ? "" : r.secret());
            copy.setText("Copy");
        });
        return banner;
    }

    private static VBox members(WorkspacesModel model, String current) {
        var list = list("members", model.members(), "No members.", m -> m.principal().name()
                + (m.principal().displayName() == null ? "" : " (" + m.principal().displayName() + ")")
                + "   " + m.principal().kind().name().toLowerCase(java.util.Locale.ROOT)
                + "   " + m.roles().stream().map(Role::wire).collect(Collectors.joining(", ")));
        var kind = new ComboBox<PrincipalKind>();
        kind.setId("memberKind");
        kind.getItems().setAll(PrincipalKind.values());
        kind.setValue(PrincipalKind.USER);
        var name = field("memberName", "name", 140);
        var display = field("memberDisplay", "display name (optional)", 170);
        var password = new PasswordField();
        password.setId("memberPassword");
        password.setPromptText("password (users, 12+)");
        password.disableProperty().bind(kind.valueProperty().isNotEqualTo(PrincipalKind.USER));
        Map<Role, CheckBox> roles = checks(List.of(Role.values()), Role::wire);
        var add = new Button("Add member");
        add.setId("addMember");
        add.setOnAction(e -> {
            model.addMember(kind.getValue(), name.getText(), display.getText(), password.getText(), selected(roles));
            password.clear();
        });
        // selecting another member shows its roles in the boxes, ready to change (a reload keeps what is ticked)
        list.getSelectionModel().selectedItemProperty().addListener((obs, old, m) -> {
            if (m != null && (old == null || !old.principal().id().equals(m.principal().id()))) {
                roles.forEach((role, box) -> box.setSelected(m.roles().contains(role)));
            }
        });
        var chosen = list.getSelectionModel().selectedItemProperty();
        var change = new Button("Change roles of selected");
        change.setId("changeRoles");
        change.disableProperty().bind(chosen.isNull());
        change.setOnAction(e -> model.changeRoles(chosen.get(), selected(roles)));
        var invite = new Button("Invitation code");
        invite.setId("inviteMember");
        invite.disableProperty().bind(chosen.isNull());
        invite.setOnAction(e -> model.invite(chosen.get()));
        var remove = new Button("Remove selected…");
        remove.setId("removeMember");
        remove.getStyleClass().add(Styles.DANGER);
        remove.disableProperty().bind(chosen.isNull());
        remove.setOnAction(e -> {
            MemberView m = chosen.get();
            if (m != null && confirmRemoval(m, current)) {
                model.removeMember(m);
            }
        });
        var form = new FlowPane(8, 8, kind, name, display, password);
        var roleRow = new FlowPane(8, 8);
        roleRow.getChildren().add(new Label("Roles:"));
        roleRow.getChildren().addAll(roles.values());
        roleRow.getChildren().add(add);
        var selectedRow = new HBox(8, new Label("Selected member:"), change, invite, remove);
        selectedRow.setAlignment(Pos.BASELINE_LEFT);
        var hint = new Label("A new user gets an invitation code, shown once: they pair their Desk with it. "
                + "A workspace always keeps one owner.");
        hint.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        return page(list, form, roleRow, selectedRow, hint);
    }

    /** Asks before removing: the member loses the workspace and its API tokens in it at once. */
    private static boolean confirmRemoval(MemberView member, String workspace) {
        var removeButton = new ButtonType("Remove", ButtonBar.ButtonData.OK_DONE);
        var alert = new Alert(Alert.AlertType.CONFIRMATION, member.principal().name() + " loses access to "
                + workspace + " at once, and their API tokens in it are revoked.", removeButton, ButtonType.CANCEL);
        alert.setTitle("Remove member");
        alert.setHeaderText("Remove " + member.principal().name() + " from " + workspace + "?");
        alert.getDialogPane().lookupButton(removeButton).setId("confirmRemove");
        alert.getDialogPane().lookupButton(ButtonType.CANCEL).setId("cancelRemove");
        ((Button) alert.getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
        ((Button) alert.getDialogPane().lookupButton(removeButton)).setDefaultButton(false);
        return alert.showAndWait().filter(removeButton::equals).isPresent();
    }

    private static VBox tokens(WorkspacesModel model) {
        var list = list("tokens", model.tokens(), "No API tokens.", t -> t.name() + "   "
                + t.scopes().stream().map(Scope::wire).collect(Collectors.joining(" ")) + "   "
                + (t.revokedAt() != null ? "revoked " + DAY.format(t.revokedAt())
                        : "expires " + (t.expiresAt() == null ? "never" : DAY.format(t.expiresAt())))
                + (t.lastUsedAt() == null ? "" : "   last used " + DAY.format(t.lastUsedAt())));
        var name = field("tokenName", "token name, e.g. ci agent", 200);
        Map<Scope, CheckBox> scopes = checks(List.of(Scope.values()), Scope::wire);
        scopes.get(Scope.WORKSPACE_READ).setSelected(true);
        scopes.get(Scope.RUNS_READ).setSelected(true);
        var create = new Button("Create token");
        create.setId("createToken");
        create.setOnAction(e -> model.createToken(name.getText(), selected(scopes)));
        var revoke = new Button("Revoke selected");
        revoke.setId("revokeToken");
        revoke.getStyleClass().add(Styles.DANGER);
        revoke.disableProperty().bind(list.getSelectionModel().selectedItemProperty().isNull());
        revoke.setOnAction(e -> model.revokeToken(list.getSelectionModel().getSelectedItem()));
        var scopeRow = new FlowPane(8, 8);
        scopeRow.getChildren().add(new Label("Scopes:"));
        scopeRow.getChildren().addAll(scopes.values());
        var hint = new Label("A token can never do more than its owner's roles allow. It expires after 90 days.");
        hint.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        return page(list, new HBox(8, name, create, revoke), scopeRow, hint);
    }

    private static VBox enrollments(WorkspacesModel model) {
        var list = list("enrollments", model.enrollments(), "No enrolment tokens.", n -> n.name() + "   "
                + n.uses() + "/" + n.maxUses() + " used   "
                + (n.revokedAt() != null ? "revoked" : "expires " + DAY.format(n.expiresAt())));
        var name = field("enrollmentName", "name, e.g. build box", 200);
        var uses = field("enrollmentUses", "uses (1)", 80);
        var create = new Button("Create enrolment token");
        create.setId("createEnrollment");
        create.setOnAction(e -> model.createEnrollment(name.getText(), uses.getText()));
        var revoke = new Button("Revoke selected");
        revoke.getStyleClass().add(Styles.DANGER);
        revoke.disableProperty().bind(list.getSelectionModel().selectedItemProperty().isNull());
        revoke.setOnAction(e -> model.revokeEnrollment(list.getSelectionModel().getSelectedItem()));
        var hint = new Label("An edge enrols once with `octvex edge --enroll <token>`; the token expires after 24 hours.");
        hint.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        return page(list, new HBox(8, name, uses, create, revoke), hint);
    }

    private static VBox workspaces(WorkspacesModel model) {
        var list = list("workspaceList", model.workspaces(), "No workspaces.", w -> w.name() + "   "
                + w.status().name().toLowerCase(java.util.Locale.ROOT) + "   your roles: "
                + w.roles().stream().map(Role::wire).collect(Collectors.joining(", ")));
        var name = field("workspaceName", "new workspace name", 220);
        var create = new Button("Create workspace");
        create.setId("createWorkspace");
        create.setOnAction(e -> model.createWorkspace(name.getText()));
        var hint = new Label("Only instance admins create workspaces; the creator becomes its owner.");
        hint.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        return page(list, new HBox(8, name, create), hint);
    }

    private static <T> ListView<T> list(String id, javafx.collections.ObservableList<T> items, String empty,
                                        Function<T, String> text) {
        var list = new ListView<>(items);
        list.setId(id);
        list.setPlaceholder(new Label(empty));
        list.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(T item, boolean isEmpty) {
                super.updateItem(item, isEmpty);
                setText(isEmpty || item == null ? null : text.apply(item));
            }
        });
        VBox.setVgrow(list, Priority.ALWAYS);
        return list;
    }

    private static TextField field(String id, String prompt, double width) {
        var f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        f.setPrefWidth(width);
        return f;
    }

    private static <E> Map<E, CheckBox> checks(List<E> values, Function<E, String> label) {
        Map<E, CheckBox> boxes = new java.util.LinkedHashMap<>();
        for (E v : values) {
            var box = new CheckBox(label.apply(v));
            box.setId("check-" + label.apply(v).replace(':', '-'));
            boxes.put(v, box);
        }
        return boxes;
    }

    private static <E> List<E> selected(Map<E, CheckBox> boxes) {
        return boxes.entrySet().stream().filter(e -> e.getValue().isSelected()).map(Map.Entry::getKey).toList();
    }

    private static VBox page(javafx.scene.Node... children) {
        var page = new VBox(8, children);
        page.setPadding(new Insets(10, 0, 0, 0));
        return page;
    }

    private static Tab tab(String name, javafx.scene.Node content) {
        var tab = new Tab(name, content);
        tab.setClosable(false);
        return tab;
    }
}
