package io.octvex.desk;

import io.octvex.desk.approvals.ApprovalsScreen;
import io.octvex.desk.fleet.FleetScreen;
import io.octvex.desk.runs.RunsScreen;
import io.octvex.desk.screen.DeskScreen;
import java.util.List;

/**
 * The sidebar's entries, in order; the first is the home screen. A screen plugs in by adding its
 * {@code XxxScreen.entry()} here.
 */
final class DeskScreens {
    private DeskScreens() {}

    static List<DeskScreen> all() {
        return List.of(
                ApprovalsScreen.entry(),
                RunsScreen.entry(),
                FleetScreen.entry(),
                // PLACEHOLDERS: built on branch deskadmin (io.octvex.desk.audit|policy|workspaces|settings);
                // replace each line with that package's entry() at merge
                DeskScreen.placeholder("audit", "Audit", "≡", "Audit — placeholder: built on branch deskadmin."),
                DeskScreen.placeholder("policy", "Policy", "§", "Policy — placeholder: built on branch deskadmin."),
                DeskScreen.placeholder("workspaces", "Workspaces", "▦",
                        "Workspaces — placeholder: built on branch deskadmin."),
                DeskScreen.placeholder("settings", "Settings", "⚙",
                        "Settings — placeholder: built on branch deskadmin."));
    }
}
