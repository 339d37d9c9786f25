package io.octvex.server.fleet;

import io.octvex.protocol.Scope;
import io.octvex.server.identity.Caller;
import io.octvex.server.identity.WorkspaceAccess;
import io.octvex.server.web.ApiException;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Artifacts for operators: the bytes a step's edge uploaded, to those who may read the run. */
@Service
class Artifacts {
    private final ArtifactStore store;
    private final WorkspaceAccess access;

    Artifacts(ArtifactStore store, WorkspaceAccess access) {
        this.store = store;
        this.access = access;
    }

    @Transactional(readOnly = true)
    ArtifactStore.Stored download(Caller caller, UUID workspaceId, UUID runId, UUID artifactId) {
        access.require(caller, workspaceId, Scope.RUNS_READ);
        return store.find(workspaceId, runId, artifactId)
                .orElseThrow(() -> ApiException.notFound("artifact " + artifactId + " of run " + runId));
    }
}
