package io.octvex.desk.audit;

import io.octvex.protocol.ChainReport;
import io.octvex.protocol.EventPage;
import io.octvex.protocol.EventSearch;
import io.octvex.protocol.MemberView;
import io.octvex.protocol.OctvexClient;
import java.util.List;
import java.util.UUID;

/** What the audit screen needs from the server, in one workspace; blocking calls, made off the FX thread. */
interface AuditApi {
    /** Matches newest first, before {@code beforeSeq} (null: from the newest). */
    EventPage newestFirst(EventSearch search, Long beforeSeq, int limit);

    /** Matches oldest first, after {@code afterSeq}: what an export writes. */
    EventPage oldestFirst(EventSearch search, long afterSeq, int limit);

    ChainReport verify();

    /** To show principals by name. */
    List<MemberView> members();

    static AuditApi of(OctvexClient client, UUID workspaceId) {
        return new AuditApi() {
            @Override
            public EventPage newestFirst(EventSearch search, Long beforeSeq, int limit) {
                return client.eventsNewestFirst(workspaceId, search, beforeSeq, limit);
            }

            @Override
            public EventPage oldestFirst(EventSearch search, long afterSeq, int limit) {
                return client.events(workspaceId, search, afterSeq, limit);
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
