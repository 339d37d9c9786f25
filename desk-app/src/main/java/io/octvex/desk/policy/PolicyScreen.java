package io.octvex.desk.policy;

import io.octvex.desk.connect.DeskSession;
import java.util.concurrent.Executor;
import javafx.scene.Node;

/** The policy editor of the session's workspace. */
public final class PolicyScreen {
    private PolicyScreen() {}

    /** Server calls run on {@code io}; {@code fx} is the FX thread's executor. Loads the versions at once. */
    public static Node create(DeskSession session, Executor io, Executor fx) {
        var model = new PolicyModel(PolicyApi.of(session.client(), session.workspace().id()), io, fx);
        var view = new PolicyView(model);
        model.load();
        return view;
    }
}
