package io.octvex.desk.approvals;

import io.octvex.desk.cache.DeskCache;
import io.octvex.desk.connect.DeskSession;
import io.octvex.desk.screen.DeskScreen;
import io.octvex.desk.screen.Screen;
import java.time.Duration;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableValue;
import javafx.scene.Node;

/** The approvals inbox as the Desk's home entry; its badge is the pending count. */
public final class ApprovalsScreen {
    private ApprovalsScreen() {}

    /** The inbox of one workspace, as opened: what notifications act on. */
    public record Inbox(ApprovalsModel model, ApprovalsView view) {}

    /** What the shell adds to the inbox: where it keeps its saved state, who hears of new approvals. */
    public interface Hooks {
        Hooks NONE = new Hooks() {};

        default DeskCache.Slot slot(DeskSession session) {
            return DeskCache.Slot.none();
        }

        default void loaded(java.util.List<ApprovalItem> pending, java.util.List<ApprovalItem> fresh) {}

        /** On the FX thread, once the inbox is built (before it starts). */
        default void opened(Inbox inbox) {}
    }

    public static DeskScreen entry() {
        return entry(Hooks.NONE);
    }

    public static DeskScreen entry(Hooks hooks) {
        return new DeskScreen("approvals", "Approvals", "✓", context -> {
            var api = ApprovalsApi.of(context.session().client(), context.session().workspace().id());
            var model = new ApprovalsModel(api, context.io(), context.fx(), context.timer(),
                    Duration.ofMillis(150), context.clock(), hooks.slot(context.session()), hooks::loaded);
            var view = new ApprovalsView(model, context.session().user().name() + " in "
                    + context.session().workspace().name(),
                    SecurityKeyApproval.inSystemBrowser(api, context.io(), context.fx()));
            hooks.opened(new Inbox(model, view));
            model.start();
            var size = Bindings.size(model.pending());
            ObservableValue<String> badge = Bindings.when(size.greaterThan(0)).then(size.asString()).otherwise("");
            return new Screen() {
                @Override
                public Node view() {
                    return view;
                }

                @Override
                public ObservableValue<String> badge() {
                    return badge;
                }

                @Override
                public void close() {
                    model.close();
                }
            };
        });
    }
}
