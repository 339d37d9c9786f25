package io.octvex.desk;

import atlantafx.base.theme.Styles;
import atlantafx.base.theme.Tweaks;
import io.octvex.desk.connect.DeskSession;
import io.octvex.desk.connect.Problems;
import io.octvex.desk.screen.DeskScreen;
import io.octvex.desk.screen.Screen;
import io.octvex.desk.screen.ScreenContext;
import io.octvex.protocol.WorkspaceView;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/**
 * The signed-in Desk for one workspace: a sidebar with the registered screens ({@link DeskScreens}) and a
 * workspace switcher, the chosen screen beside it. The home screen is built at once (its badge counts), the
 * others when first opened; all stay open until {@link #close()} (a workspace switch or the window closing).
 * Ctrl+1…9 jump to the screens in sidebar order.
 */
final class Workbench extends BorderPane implements AutoCloseable {
    private final ScreenContext context;
    private final Map<String, Screen> open = new LinkedHashMap<>();
    private final ListView<DeskScreen> nav;
    private final StackPane content = new StackPane();
    private Screen showing;

    Workbench(DeskSession session, List<DeskScreen> screens, Executor io, Executor fx,
              ScheduledExecutorService timer, Clock clock, Consumer<WorkspaceView> switchTo) {
        this.context = new ScreenContext(session, io, fx, timer, clock);

        var brand = new Label("Octvex Desk");
        brand.getStyleClass().add(Styles.TITLE_4);
        var who = new Label(session.user().name());
        who.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);

        var workspace = new Label(session.workspace().name());
        workspace.setId("workspaceName");
        workspace.getStyleClass().add(Styles.TEXT_BOLD);
        var switcher = new ComboBox<WorkspaceView>();
        switcher.setId("workspaceSwitcher");
        switcher.setMaxWidth(Double.MAX_VALUE);
        switcher.setCellFactory(l -> new WorkspaceCell());
        switcher.setButtonCell(new WorkspaceCell());
        switcher.setVisible(false);
        switcher.setManaged(false);
        // the list is asked for off the FX thread; the switcher shows only for users in several workspaces
        io.execute(() -> {
            try {
                List<WorkspaceView> mine = session.client().workspaces();
                fx.execute(() -> {
                    switcher.getItems().setAll(mine);
                    mine.stream().filter(w -> w.id().equals(session.workspace().id())).findFirst()
                            .ifPresent(switcher::setValue);
                    boolean several = mine.size() > 1;
                    switcher.setVisible(several);
                    switcher.setManaged(several);
                    workspace.setVisible(!several);
                    workspace.setManaged(!several);
                    switcher.valueProperty().addListener((obs, old, chosen) -> {
                        if (chosen != null && !chosen.id().equals(session.workspace().id())) {
                            switchTo.accept(chosen);
                        }
                    });
                });
            } catch (RuntimeException e) {
                fx.execute(() -> who.setText(session.user().name() + " · " + Problems.describe(e)));
            }
        });

        nav = new ListView<>();
        nav.setId("nav");
        nav.getItems().setAll(screens);
        nav.getStyleClass().add(Tweaks.EDGE_TO_EDGE);
        nav.setCellFactory(l -> new NavCell());
        nav.getSelectionModel().selectedItemProperty().addListener((obs, old, entry) -> {
            if (entry != null) {
                show(entry);
            }
        });
        VBox.setVgrow(nav, Priority.ALWAYS);

        var sidebar = new VBox(10, brand, who, workspace, switcher, nav);
        sidebar.setPadding(new Insets(16, 10, 12, 10));
        sidebar.setPrefWidth(190);
        sidebar.setMinWidth(190);
        sidebar.getStyleClass().add(Styles.BG_SUBTLE);
        setLeft(sidebar);
        setCenter(content);

        addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.isShortcutDown() && e.getCode().isDigitKey()) {
                int index = e.getCode().getCode() - KeyCode.DIGIT1.getCode();
                if (index >= 0 && index < nav.getItems().size()) {
                    nav.getSelectionModel().select(index);
                    e.consume();
                }
            }
        });
        nav.getSelectionModel().selectFirst();
    }

    /** Opens the screen with {@code id}, as a click in the sidebar does. */
    void select(String id) {
        nav.getItems().stream().filter(s -> s.id().equals(id)).findFirst()
                .ifPresent(s -> nav.getSelectionModel().select(s));
    }

    private void show(DeskScreen entry) {
        Screen screen = open.get(entry.id());
        if (screen == null) {
            screen = entry.factory().apply(context);
            open.put(entry.id(), screen);
            nav.refresh(); // its badge, if it has one
        }
        if (showing != null && showing != screen) {
            showing.shown(false);
        }
        showing = screen;
        content.getChildren().setAll(screen.view());
        screen.shown(true);
    }

    @Override
    public void close() {
        for (Screen s : open.values()) {
            s.close();
        }
        open.clear();
    }

    private final class NavCell extends ListCell<DeskScreen> {
        private final Label glyph = new Label();
        private final Label title = new Label();
        private final Label badge = new Label();
        private final HBox box;

        NavCell() {
            glyph.setMinWidth(20);
            glyph.setAlignment(Pos.CENTER);
            badge.getStyleClass().addAll(Styles.ACCENT, Styles.TEXT_BOLD, Styles.TEXT_SMALL);
            var spacer = new Region();
            HBox.setHgrow(spacer, Priority.ALWAYS);
            box = new HBox(8, glyph, title, spacer, badge);
            box.setAlignment(Pos.CENTER_LEFT);
            box.setPadding(new Insets(4, 6, 4, 4));
        }

        @Override
        protected void updateItem(DeskScreen entry, boolean empty) {
            super.updateItem(entry, empty);
            badge.textProperty().unbind();
            badge.setText("");
            if (empty || entry == null) {
                setGraphic(null);
                setId(null);
                return;
            }
            setId("nav-" + entry.id());
            glyph.setText(entry.glyph());
            title.setText(entry.title());
            Screen screen = open.get(entry.id());
            if (screen != null && screen.badge() != null) {
                badge.textProperty().bind(screen.badge());
            }
            badge.setId("badge-" + entry.id());
            setGraphic(box);
        }
    }

    private static final class WorkspaceCell extends ListCell<WorkspaceView> {
        @Override
        protected void updateItem(WorkspaceView item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? null : item.name());
        }
    }
}
