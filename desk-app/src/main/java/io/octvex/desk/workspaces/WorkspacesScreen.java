package io.octvex.desk.workspaces;

import io.octvex.desk.connect.DeskSession;
import java.util.concurrent.Executor;
import javafx.scene.Node;

/** Workspaces, members, API tokens and edge enrolment tokens of the session's workspace. */
public final class WorkspacesScreen {
    private WorkspacesScreen() {}

    /** Server calls run on {@code io}; {@code fx} is the FX thread's executor. Loads at once. */
    public static Node create(DeskSession session, Executor io, Executor fx) {
        var model = new WorkspacesModel(WorkspacesApi.of(session.client(), session.workspace().id()), io, fx);
        var view = new WorkspacesView(model, session.workspace().name());
        model.load();
        return view;
    }
}
