package io.octvex.desk.runs;

import io.octvex.desk.screen.DeskScreen;
import io.octvex.desk.screen.Screen;
import java.time.Duration;
import javafx.scene.Node;

/** The Runs screen's entry for the Desk's sidebar: the one public type of this package. */
public final class RunsScreen {
    private RunsScreen() {}

    public static DeskScreen entry() {
        return new DeskScreen("runs", "Runs", "▶", context -> {
            var model = new RunsModel(RunsApi.of(context.session().client(), context.session().workspace().id()),
                    context.io(), context.fx(), context.timer(), Duration.ofMillis(150), context.clock(),
                    Integer.getInteger("octvex.desk.runs.page", RunsModel.PAGE));
            var view = new RunsView(model);
            model.start(0);
            return new Screen() {
                @Override
                public Node view() {
                    return view;
                }

                @Override
                public void close() {
                    model.close();
                }
            };
        });
    }
}
