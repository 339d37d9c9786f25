package io.octvex.desk.audit;

import io.octvex.desk.connect.Problems;
import io.octvex.protocol.ChainReport;
import io.octvex.protocol.EventPage;
import io.octvex.protocol.EventView;
import io.octvex.protocol.Json;
import io.octvex.protocol.MemberView;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The audit screen's state: a search over the workspace's event log, chain verification and JSONL export.
 *
 * <p>The server pages the log by sequence number only, so a search reads the log page by page and filters
 * here (see docs/adr/0019); at most {@link #MAX_RESULTS} matches are kept. Server calls and file writes run
 * on {@code io}; properties change on {@code fx}.
 */
final class AuditModel {
    static final int MAX_RESULTS = 10_000;
    private static final int PAGE = 1000;

    /** One line of the status bar; {@code problem} when it reports a refusal or failure. */
    record Notice(String text, boolean problem) {}

    /** One row of the results: the event and its principal's name (or id when not a member any more). */
    record Row(EventView event, String principal) {}

    private final AuditApi api;
    private final Executor io;
    private final Executor fx;
    private final Clock clock;
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    // one read-only view, kept: a fresh wrapper per call would drop listeners added to it once collected
    private final ObservableList<Row> rowsView = FXCollections.unmodifiableObservableList(rows);
    private final ReadOnlyObjectWrapper<Notice> notice = new ReadOnlyObjectWrapper<>(new Notice("", false));
    private final ReadOnlyObjectWrapper<Notice> chain = new ReadOnlyObjectWrapper<>(null);
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper();

    AuditModel(AuditApi api, Executor io, Executor fx, Clock clock) {
        this.api = api;
        this.io = io;
        this.fx = fx;
        this.clock = clock;
    }

    /** Matches of the last search, newest first. */
    ObservableList<Row> rows() {
        return rowsView;
    }

    ReadOnlyObjectProperty<Notice> noticeProperty() {
        return notice.getReadOnlyProperty();
    }

    /** The last verification's result; null before the first. */
    ReadOnlyObjectProperty<Notice> chainProperty() {
        return chain.getReadOnlyProperty();
    }

    ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    /** Searches with the fields as typed; a field that cannot be read is said, and nothing is asked. */
    void search(String run, String type, String principal, String from, String to) {
        AuditQuery query;
        try {
            query = AuditQuery.parse(run, type, principal, from, to, clock.getZone());
        } catch (IllegalArgumentException e) {
            notice.set(new Notice(e.getMessage(), true));
            return;
        }
        busy.set(true);
        notice.set(new Notice("Searching…", false));
        io.execute(() -> {
            try {
                Map<UUID, String> names = names();
                List<Row> found = new ArrayList<>();
                long after = 0;
                long scanned = 0;
                boolean more = true;
                while (more) {
                    EventPage page = api.events(after, PAGE);
                    for (EventView e : page.events()) {
                        scanned++;
                        if (query.matches(e, names)) {
                            found.add(new Row(e, e.principalId() == null ? ""
                                    : names.getOrDefault(e.principalId(), e.principalId().toString())));
                        }
                    }
                    more = page.more() && page.lastSeq() > after;
                    after = page.lastSeq();
                }
                List<Row> newestFirst = found.reversed();
                List<Row> kept = newestFirst.size() > MAX_RESULTS ? newestFirst.subList(0, MAX_RESULTS) : newestFirst;
                String said = found.size() + " of " + scanned + " events match"
                        + (found.size() > MAX_RESULTS ? "; showing the newest " + MAX_RESULTS : "") + ".";
                fx.execute(() -> {
                    rows.setAll(kept);
                    notice.set(new Notice(said, false));
                    busy.set(false);
                });
            } catch (RuntimeException e) {
                fail("Search failed: " + Problems.describe(e));
            }
        });
    }

    /** Re-computes the workspace's hash chain on the server. */
    void verify() {
        busy.set(true);
        io.execute(() -> {
            try {
                ChainReport report = api.verify();
                Notice result = report.intact()
                        ? new Notice("Chain intact: " + report.checked() + " events checked.", false)
                        : new Notice("Chain broken at event " + report.brokenAtSeq() + " (" + report.checked()
                                + " checked): " + report.reason(), true);
                fx.execute(() -> {
                    chain.set(result);
                    busy.set(false);
                });
            } catch (RuntimeException e) {
                fx.execute(() -> {
                    chain.set(new Notice("Verification failed: " + Problems.describe(e), true));
                    busy.set(false);
                });
            }
        });
    }

    /**
     * Writes the current results, oldest first, one JSON event a line, to {@code file}: through a temporary
     * file in the same folder, so a failed export never leaves half a file in its place.
     */
    void export(Path file) {
        List<EventView> events = rows.stream().map(Row::event).toList().reversed();
        if (events.isEmpty()) {
            notice.set(new Notice("Nothing to export: search first.", true));
            return;
        }
        busy.set(true);
        io.execute(() -> {
            Path target = file.toAbsolutePath();
            Path temp = null;
            try {
                temp = Files.createTempFile(target.getParent(), ".octvex-audit-", ".jsonl");
                try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                    for (EventView e : events) {
                        out.write(Json.write(e));
                        out.write('\n');
                    }
                }
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                fx.execute(() -> {
                    notice.set(new Notice("Exported " + events.size() + " events to " + target + ".", false));
                    busy.set(false);
                });
            } catch (IOException | RuntimeException e) {
                deleteQuietly(temp);
                fail("Export failed, nothing written to " + target + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
            }
        });
    }

    private Map<UUID, String> names() {
        Map<UUID, String> names = new HashMap<>();
        for (MemberView m : api.members()) {
            names.put(m.principal().id(), m.principal().name());
        }
        return names;
    }

    private void fail(String text) {
        fx.execute(() -> {
            notice.set(new Notice(text, true));
            busy.set(false);
        });
    }

    private static void deleteQuietly(Path temp) {
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }
}
