package io.octvex.desk.audit;

import io.octvex.protocol.ChainReport;
import io.octvex.protocol.EventPage;
import io.octvex.protocol.MemberView;
import io.octvex.protocol.OctvexClient;
import java.util.List;
import java.util.UUID;

/** What the audit screen needs from the server, in one workspace; blocking calls, made off the FX thread. */
interface AuditApi {
    EventPage events(long afterSeq, int limit);

    ChainReport verify();

    /** To show principals by name and to search by name. */
    List<MemberView> members();

    static AuditApi of(OctvexClient client, UUID workspaceId) {
        return new AuditApi() {
            @Override
            public EventPage events(long afterSeq, int limit) {
                return client.events(workspaceId, afterSeq, limit);
            }

            @Override
            public ChainReport verify() {
                return client.verifyChain(workspaceId);
            }

            @Override
            public List<MemberView> members() {
                return client.members(workspaceId);
            }
        };
    }
}
