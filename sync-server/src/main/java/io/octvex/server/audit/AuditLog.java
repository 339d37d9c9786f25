package io.octvex.server.audit;

import io.octvex.protocol.ChainReport;
import io.octvex.protocol.EventPage;
import io.octvex.protocol.EventSearch;
import io.octvex.protocol.EventView;
import io.octvex.protocol.Json;
import io.octvex.server.database.GenericPlans;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.JsonNode;

/**
 * The append-only, hash-chained audit/event log of every workspace. Appends join the caller's transaction
 * (they refuse to run without one), so an event is committed exactly when the change it describes is, and a
 * failed append rolls that change back: audit is fail-closed.
 */
@Service
public class AuditLog {
    /** The instance's own chain: logins and other events that belong to no workspace. */
    public static final UUID INSTANCE = new UUID(0, 0);
    static final String GENESIS = "0".repeat(64);
    /** Channel woken on commit of any append; the payload is the workspace id. */
    public static final String CHANNEL = "octvex_events";
    private static final int VERIFY_BATCH = 1000;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final GenericPlans plans;

    AuditLog(JdbcClient jdbc, Clock clock, GenericPlans plans) {
        this.jdbc = jdbc;
        this.plans = plans;
        this.clock = clock;
    }

    /**
     * Records {@code entry} in the caller's transaction. The event is written when that transaction commits
     * (just before, in it): the workspace's chain head is locked only then, for two statements, rather than
     * from the first append to the commit; every transaction of a workspace queues on that lock, so holding
     * it across the rest of the transaction's work serialised them all. Events of one transaction are written
     * in the order appended, share one time, and are numbered in commit order. A failed write rolls the
     * whole transaction back: audit stays fail-closed.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void append(UUID workspaceId, AuditEntry entry) {
        JsonNode data = Json.toTree(entry.data() == null ? Map.of() : entry.data());
        // its canonical text now, outside the chain head's lock: write() hashes and stores that text
        pendingAppends().add(workspaceId, entry, data, Json.canonical(data));
    }

    /** This transaction's unwritten events; found among its synchronizations, so a nested one gets its own. */
    private PendingAppends pendingAppends() {
        for (TransactionSynchronization s : TransactionSynchronizationManager.getSynchronizations()) {
            if (s instanceof PendingAppends pending && pending.log() == this) {
                return pending;
            }
        }
        PendingAppends pending = new PendingAppends(this);
        TransactionSynchronizationManager.registerSynchronization(pending);
        return pending;
    }

    /** Writes one workspace's pending events under its locked chain head; answers them as stored. */
    List<EventView> write(UUID workspaceId, List<PendingAppends.Entry> entries) {
        plans.forThisTransaction(); // its statements are the last of the transaction
        Head head = lockHead(workspaceId);
        Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS); // PostgreSQL keeps microseconds
        List<EventView> written = new ArrayList<>(entries.size());
        String prev = head.hash();
        long seq = head.seq();
        for (PendingAppends.Entry e : entries) {
            EventView unsigned = new EventView(workspaceId, ++seq, UUID.randomUUID(), e.entry().type(),
                    e.entry().runId(), e.entry().stepId(), e.entry().principalId(), at, e.data(), prev, null);
            String hash = hash(unsigned, e.text());
            written.add(new EventView(workspaceId, seq, unsigned.id(), unsigned.type(), unsigned.runId(),
                    unsigned.stepId(), unsigned.principalId(), at, unsigned.data(), prev, hash));
            prev = hash;
        }
        // one statement: the rows, the new head, and a notification (PostgreSQL folds identical ones of a
        // transaction into one, delivered at commit)
        jdbc.sql("""
                WITH appended AS (
                    INSERT INTO events (workspace_id, seq, id, type, run_id, step_id, principal_id, at, data,
                                        prev_hash, hash)
                    SELECT :ws, e.seq, e.id, e.type, e.run_id, e.step_id, e.principal_id, :at, CAST(e.data AS jsonb),
                           e.prev_hash, e.hash
                    FROM unnest(CAST(:seqs AS bigint[]), CAST(:ids AS uuid[]), CAST(:types AS text[]),
                                CAST(:runs AS uuid[]), CAST(:steps AS uuid[]), CAST(:principals AS uuid[]),
                                CAST(:data AS text[]), CAST(:prevs AS text[]), CAST(:hashes AS text[]))
                         AS e(seq, id, type, run_id, step_id, principal_id, data, prev_hash, hash)),
                moved AS (UPDATE event_heads SET seq = :seq, hash = :hash WHERE workspace_id = :ws)
                SELECT pg_notify(:channel, :wsText)""")
                .param("ws", workspaceId).param("at", OffsetDateTime.ofInstant(at, java.time.ZoneOffset.UTC))
                .param("seqs", written.stream().map(EventView::seq).toArray(Long[]::new))
                .param("ids", texts(written, EventView::id))
                .param("types", written.stream().map(EventView::type).toArray(String[]::new))
                .param("runs", texts(written, EventView::runId))
                .param("steps", texts(written, EventView::stepId))
                .param("principals", texts(written, EventView::principalId))
                .param("data", entries.stream().map(PendingAppends.Entry::text).toArray(String[]::new))
                .param("prevs", written.stream().map(EventView::prevHash).toArray(String[]::new))
                .param("hashes", written.stream().map(EventView::hash).toArray(String[]::new))
                .param("seq", seq).param("hash", prev).param("channel", CHANNEL).param("wsText", workspaceId.toString())
                .query().singleValue();
        return written;
    }

    private static String[] texts(List<EventView> events, java.util.function.Function<EventView, UUID> id) {
        return events.stream().map(id).map(u -> u == null ? null : u.toString()).toArray(String[]::new);
    }

    @Transactional(readOnly = true)
    public EventPage page(UUID workspaceId, long afterSeq, int limit) {
        List<EventView> events = jdbc.sql("""
                SELECT * FROM events WHERE workspace_id = :ws AND seq > :after ORDER BY seq LIMIT :limit""")
                .param("ws", workspaceId).param("after", afterSeq).param("limit", limit + 1)
                .query(AuditLog::row).list();
        boolean more = events.size() > limit;
        List<EventView> page = more ? events.subList(0, limit) : events;
        long last = page.isEmpty() ? afterSeq : page.getLast().seq();
        return new EventPage(List.copyOf(page), last, more);
    }

    /**
     * The workspace's events matching {@code search}: oldest first after {@code cursor}, or newest first before
     * it; {@code lastSeq} of the answer is the next page's cursor. A principal given by name matches every
     * principal of that name (case-insensitive); the workspace scope keeps the rest out.
     */
    @Transactional(readOnly = true)
    public EventPage search(UUID workspaceId, EventSearch search, long cursor, boolean newestFirst, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM events WHERE workspace_id = :ws AND seq ")
                .append(newestFirst ? "< :cursor" : "> :cursor");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("ws", workspaceId);
        params.put("cursor", cursor);
        if (search.runId() != null) {
            sql.append(" AND run_id = :run");
            params.put("run", search.runId());
        }
        if (search.type() != null) {
            String type = search.type();
            if (type.endsWith("*") || type.endsWith(".")) {
                String prefix = type.endsWith("*") ? type.substring(0, type.length() - 1) : type;
                sql.append(" AND type LIKE :type"); // the type's characters are [a-z0-9_.]: only '_' needs escaping
                params.put("type", prefix.replace("_", "\\_") + "%");
            } else {
                sql.append(" AND type = :type");
                params.put("type", type);
            }
        }
        if (search.principal() != null) {
            UUID id = uuidOrNull(search.principal());
            if (id != null) {
                sql.append(" AND principal_id = :principal");
                params.put("principal", id);
            } else {
                sql.append(" AND principal_id IN (SELECT id FROM principals WHERE lower(name) = lower(:principal))");
                params.put("principal", search.principal());
            }
        }
        if (search.from() != null) {
            sql.append(" AND at >= :from");
            params.put("from", OffsetDateTime.ofInstant(search.from(), java.time.ZoneOffset.UTC));
        }
        if (search.to() != null) {
            sql.append(" AND at < :to");
            params.put("to", OffsetDateTime.ofInstant(search.to(), java.time.ZoneOffset.UTC));
        }
        sql.append(newestFirst ? " ORDER BY seq DESC" : " ORDER BY seq").append(" LIMIT :limit");
        params.put("limit", limit + 1);
        List<EventView> events = jdbc.sql(sql.toString()).params(params).query(AuditLog::row).list();
        boolean more = events.size() > limit;
        List<EventView> page = more ? events.subList(0, limit) : events;
        long last = page.isEmpty() ? cursor : page.getLast().seq();
        return new EventPage(List.copyOf(page), last, more);
    }

    private static UUID uuidOrNull(String text) {
        try {
            UUID id = UUID.fromString(text);
            return id.toString().equalsIgnoreCase(text) ? id : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Every event of one run, in order: the raw material of its timeline. */
    @Transactional(readOnly = true)
    public List<EventView> forRun(UUID workspaceId, UUID runId) {
        return forRun(workspaceId, runId, 0);
    }

    /** The events of one run after {@code afterSeq}, in order (what a waiter has not seen yet). */
    @Transactional(readOnly = true)
    public List<EventView> forRun(UUID workspaceId, UUID runId, long afterSeq) {
        return jdbc.sql("""
                SELECT * FROM events WHERE workspace_id = :ws AND run_id = :run AND seq > :after ORDER BY seq""")
                .param("ws", workspaceId).param("run", runId).param("after", afterSeq).query(AuditLog::row).list();
    }

    /**
     * Recomputes the chain from the first row: gapless sequence, each row's prev_hash equal to the previous
     * row's hash, each hash equal to the hash of the row's content, and the head at the last row.
     */
    @Transactional(readOnly = true)
    public ChainReport verify(UUID workspaceId) {
        String expectedPrev = GENESIS;
        long expectedSeq = 1;
        long checked = 0;
        while (true) {
            List<EventView> batch = jdbc.sql("""
                    SELECT * FROM events WHERE workspace_id = :ws AND seq >= :from ORDER BY seq LIMIT :n""")
                    .param("ws", workspaceId).param("from", expectedSeq).param("n", VERIFY_BATCH)
                    .query(AuditLog::row).list();
            for (EventView e : batch) {
                if (e.seq() != expectedSeq) {
                    return broken(workspaceId, checked, expectedSeq, "event " + expectedSeq + " is missing");
                }
                if (!e.prevHash().equals(expectedPrev)) {
                    return broken(workspaceId, checked, e.seq(),
                            "event " + e.seq() + " does not link to the hash of event " + (e.seq() - 1));
                }
                if (!hash(e).equals(e.hash())) {
                    return broken(workspaceId, checked, e.seq(),
                            "event " + e.seq() + " was altered: its content no longer matches its hash");
                }
                expectedPrev = e.hash();
                expectedSeq++;
                checked++;
            }
            if (batch.size() < VERIFY_BATCH) {
                break;
            }
        }
        Head head = jdbc.sql("SELECT seq, hash FROM event_heads WHERE workspace_id = :ws").param("ws", workspaceId)
                .query((rs, n) -> new Head(rs.getLong("seq"), rs.getString("hash"))).optional()
                .orElse(new Head(0, GENESIS));
        if (head.seq() != checked || !head.hash().equals(expectedPrev)) {
            return broken(workspaceId, checked, checked + 1,
                    "the log ends at event " + checked + " but its head says " + head.seq() + ": rows were removed");
        }
        return new ChainReport(workspaceId, true, checked, null, null);
    }

    private static ChainReport broken(UUID workspaceId, long checked, long seq, String reason) {
        return new ChainReport(workspaceId, false, checked, seq, reason);
    }

    /** Creates the head on a workspace's first event; either way locks it and reads it, in one statement. */
    private Head lockHead(UUID workspaceId) {
        return jdbc.sql("""
                INSERT INTO event_heads (workspace_id, seq, hash) VALUES (:ws, 0, :genesis)
                ON CONFLICT (workspace_id) DO UPDATE SET seq = event_heads.seq
                RETURNING seq, hash""")
                .param("ws", workspaceId).param("genesis", GENESIS)
                .query((rs, n) -> new Head(rs.getLong("seq"), rs.getString("hash"))).single();
    }

    /** SHA-256 over the previous hash and the canonical JSON of everything the row says. */
    static String hash(EventView e) {
        return hash(e, Json.canonical(e.data()));
    }

    /**
     * {@link #hash(EventView)} with the canonical text of the event's data made beforehand. The event's own fields
     * are written straight into the canonical text {@link Json#canonical} would give for them (keys sorted, no
     * whitespace), instead of through a tree of them built for every event only to be written out again
     * (EventHashTest pins the result).
     */
    static String hash(EventView e, String canonicalData) {
        StringBuilder text = new StringBuilder(320 + canonicalData.length());
        text.append("{\"at\":");
        string(text, e.at());
        text.append(",\"data\":").append(canonicalData).append(",\"id\":");
        string(text, e.id());
        text.append(",\"principalId\":");
        string(text, e.principalId());
        text.append(",\"runId\":");
        string(text, e.runId());
        text.append(",\"seq\":").append(e.seq()).append(",\"stepId\":");
        string(text, e.stepId());
        text.append(",\"type\":");
        string(text, e.type());
        text.append(",\"workspaceId\":");
        string(text, e.workspaceId());
        text.append('}');
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(e.prevHash().getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) '\n');
            sha.update(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is part of every JDK", ex);
        }
    }

    /** A JSON string of {@code value}'s text, escaped as Jackson's writer escapes it, or null. */
    private static void string(StringBuilder text, Object value) {
        if (value == null) {
            text.append("null");
        } else {
            text.append('"');
            JsonStringEncoder.getInstance().quoteAsString(value.toString(), text);
            text.append('"');
        }
    }

    static EventView row(ResultSet rs, int n) throws SQLException {
        Timestamp at = rs.getTimestamp("at");
        return new EventView(rs.getObject("workspace_id", UUID.class), rs.getLong("seq"),
                rs.getObject("id", UUID.class), rs.getString("type"), rs.getObject("run_id", UUID.class),
                rs.getObject("step_id", UUID.class), rs.getObject("principal_id", UUID.class),
                at.toInstant(), Json.tree(rs.getString("data")), rs.getString("prev_hash"), rs.getString("hash"));
    }

    private record Head(long seq, String hash) {}
}
