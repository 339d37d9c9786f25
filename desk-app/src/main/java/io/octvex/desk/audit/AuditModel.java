package io.octvex.desk.audit;

import io.octvex.desk.connect.Problems;
import io.octvex.protocol.ChainReport;
import io.octvex.protocol.EventPage;
import io.octvex.protocol.EventSearch;
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
 * <p>The server runs the search: the screen shows the newest {@code page} matches and loads the next page
 * on "Load more"; an export streams every match, oldest first, page by page. Server calls and file writes
 * run on {@code io}; properties change on {@code fx}.
 */
final class AuditModel {
    /** Matches shown per page ("Load more" asks for the next). */
    static final int PAGE = 200;
    static final int EXPORT_PAGE = 1000;

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
    private final ReadOnlyBooleanWrapper more = new ReadOnlyBooleanWrapper();
    private final int page;
    private final int exportPage;
    // the search shown and where its next page starts; FX thread only
    private EventSearch shown;
    private long nextBefore;

    AuditModel(AuditApi api, Executor io, Executor fx, Clock clock) {
        this(api, io, fx, clock, PAGE, EXPORT_PAGE);
    }

    AuditModel(AuditApi api, Executor io, Executor fx, Clock clock, int page, int exportPage) {
        this.api = api;
        this.io = io;
        this.fx = fx;
        this.clock = clock;
        this.page = page;
        this.exportPage = exportPage;
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

    /** Whether the search shown has older matches than those listed. */
    ReadOnlyBooleanProperty moreProperty() {
        return more.getReadOnlyProperty();
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
        EventSearch search = query.toSearch();
        busy.set(true);
        notice.set(new Notice("Searching…", false));
        io.execute(() -> load(search, null));
    }

    /** The next (older) page of the search shown. */
    void loadMore() {
        if (shown == null || !more.get() || busy.get()) {
            return;
        }
        EventSearch search = shown;
        long before = nextBefore;
        busy.set(true);
        io.execute(() -> load(search, before));
    }

    /** Loads one page of {@code search} before {@code before} (null: a new search from the newest). */
    private void load(EventSearch search, Long before) {
        try {
            Map<UUID, String> names = names();
            EventPage found = api.newestFirst(search, before, page);
            List<Row> loaded = found.events().stream().map(e -> new Row(e, e.principalId() == null ? ""
                    : names.getOrDefault(e.principalId(), e.principalId().toString()))).toList();
            fx.execute(() -> {
                if (before == null) {
                    rows.setAll(loaded);
                } else {
                    rows.addAll(loaded);
                }
                shown = search;
                nextBefore = found.lastSeq();
                more.set(found.more());
                notice.set(new Notice(rows.size() + (rows.size() == 1 ? " event matches" : " events match")
                        + (found.more() ? " so far, newest first: Load more for older ones." : "."), false));
                busy.set(false);
            });
        } catch (RuntimeException e) {
            fail("Search failed: " + Problems.describe(e));
        }
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
     * Writes every match of the search shown (not only the pages loaded), oldest first, one JSON event a line,
     * to {@code file}, streaming it page by page: through a temporary file in the same folder, so a failed
     * export never leaves half a file in its place.
     */
    void export(Path file) {
        EventSearch search = shown;
        if (search == null) {
            notice.set(new Notice("Nothing to export: search first.", true));
            return;
        }
        busy.set(true);
        io.execute(() -> {
            Path target = file.toAbsolutePath();
            Path temp = null;
            try {
                temp = Files.createTempFile(target.getParent(), ".octvex-audit-", ".jsonl");
                long written = 0;
                try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                    long after = 0;
                    boolean next = true;
                    while (next) {
                        EventPage p = api.oldestFirst(search, after, exportPage);
                        for (EventView e : p.events()) {
                            out.write(Json.write(e));
                            out.write('\n');
                            written++;
                        }
                        next = p.more() && p.lastSeq() > after;
                        after = p.lastSeq();
                    }
                }
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                long count = written;
                fx.execute(() -> {
                    notice.set(new Notice("Exported " + count + " events to " + target + ".", false));
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
