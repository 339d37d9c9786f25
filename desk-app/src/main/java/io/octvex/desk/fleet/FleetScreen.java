package io.octvex.desk.fleet;

import io.octvex.desk.screen.DeskScreen;
import io.octvex.desk.screen.Screen;
import java.time.Duration;
import javafx.scene.Node;

/** The Fleet screen's entry for the Desk's sidebar: the one public type of this package. */
public final class FleetScreen {
    /** How often the chart samples while the screen is shown. */
    static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);

    private FleetScreen() {}

    public static DeskScreen entry() {
        return new DeskScreen("fleet", "Fleet", "◆", context -> {
            var model = new FleetModel(FleetApi.of(context.session().client(), context.session().workspace().id()),
                    context.io(), context.fx(), context.timer(), Duration.ofMillis(150),
                    Duration.ofMillis(Long.getLong("octvex.desk.fleet.sample-millis", SAMPLE_EVERY.toMillis())),
                    context.clock());
            var view = new FleetView(model);
            model.start(0);
            return new Screen() {
                @Override
                public Node view() {
                    return view;
                }

                @Override
                public void shown(boolean visible) {
                    view.shown(visible);
                }

                @Override
                public void close() {
                    model.close();
                }
            };
        });
    }
}
