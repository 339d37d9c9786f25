package io.octvex.desk.approvals;

import io.octvex.desk.screen.DeskScreen;
import io.octvex.desk.screen.Screen;
import java.time.Duration;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableValue;
import javafx.scene.Node;

/** The approvals inbox as the Desk's home entry; its badge is the pending count. */
public final class ApprovalsScreen {
    private ApprovalsScreen() {}

    public static DeskScreen entry() {
        return new DeskScreen("approvals", "Approvals", "✓", context -> {
            var model = new ApprovalsModel(ApprovalsApi.of(context.session().client(),
                    context.session().workspace().id()), context.io(), context.fx(), context.timer(),
                    Duration.ofMillis(150), context.clock());
            var view = new ApprovalsView(model, context.session().user().name() + " in "
                    + context.session().workspace().name());
            model.start(0);
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
