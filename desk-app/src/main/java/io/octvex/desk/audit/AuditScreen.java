package io.octvex.desk.audit;

import io.octvex.desk.connect.DeskSession;
import java.time.Clock;
import java.util.concurrent.Executor;
import javafx.scene.Node;

/** The audit screen of the session's workspace: search, chain verification, JSONL export. */
public final class AuditScreen {
    private AuditScreen() {}

    /** Server calls and file writes run on {@code io}; {@code fx} is the FX thread's executor. */
    public static Node create(DeskSession session, Executor io, Executor fx) {
        return new AuditView(new AuditModel(AuditApi.of(session.client(), session.workspace().id()), io, fx,
                Clock.systemDefaultZone()));
    }
}
