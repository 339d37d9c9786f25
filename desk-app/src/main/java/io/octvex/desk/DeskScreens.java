package io.octvex.desk;

import io.octvex.desk.approvals.ApprovalsScreen;
import io.octvex.desk.audit.AuditScreen;
import io.octvex.desk.connect.DeskSession;
import io.octvex.desk.fleet.FleetScreen;
import io.octvex.desk.mcpclients.McpClientsPage;
import io.octvex.desk.policy.PolicyScreen;
import io.octvex.desk.runs.RunsScreen;
import io.octvex.desk.screen.DeskScreen;
import io.octvex.desk.screen.Screen;
import io.octvex.desk.settings.DeskSettings;
import io.octvex.desk.settings.SettingsScreen;
import io.octvex.desk.settings.SettingsStore;
import io.octvex.desk.workspaces.WorkspacesScreen;
import java.util.List;
import java.util.function.Function;
import javafx.beans.property.ObjectProperty;
import javafx.scene.Node;

/**
 * The sidebar's entries, in order; the first is the home screen. A screen plugs in by adding its entry here.
 */
final class DeskScreens {
    private DeskScreens() {}

    /**
     * {@code bundledEdge}: the settings' bundled-edge section for a session; {@code security}: its "Security /
     * Unlock" section (null: none, the Desk keeps no secrets).
     */
    static List<DeskScreen> all(ApprovalsScreen.Hooks inbox, SettingsStore settings, ObjectProperty<DeskSettings> current,
                                Function<DeskSession, Node> bundledEdge, Runnable disconnect,
                                java.util.function.Supplier<Node> security) {
        return List.of(
                ApprovalsScreen.entry(inbox),
                RunsScreen.entry(),
                FleetScreen.entry(),
                new DeskScreen("audit", "Audit", "≡", plain(c -> AuditScreen.create(c.session(), c.io(), c.fx()))),
                new DeskScreen("policy", "Policy", "§", plain(c -> PolicyScreen.create(c.session(), c.io(), c.fx()))),
                new DeskScreen("workspaces", "Workspaces", "▦",
                        plain(c -> WorkspacesScreen.create(c.session(), c.io(), c.fx()))),
                new DeskScreen("settings", "Settings", "⚙", plain(c -> SettingsScreen.create(c.session(), settings,
                        current, c.io(), c.fx(), bundledEdge.apply(c.session()), disconnect, security.get()))),
                new DeskScreen("mcp-clients", "MCP clients", "⇄", plain(c -> McpClientsPage.create(
                        c.session().client(), c.session().client().baseUri().toString(),
                        c.session().workspace().id(), c.io()))));
    }

    /** A screen that is only its view: no live stream to stop, nothing to close. */
    private static Function<io.octvex.desk.screen.ScreenContext, Screen> plain(
            Function<io.octvex.desk.screen.ScreenContext, Node> view) {
        return context -> {
            Node node = view.apply(context);
            return () -> node;
        };
    }
}
