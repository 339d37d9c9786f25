package io.octvex.desk.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.octvex.desk.approvals.ApprovalItem;
import io.octvex.desk.approvals.ApprovalsApi;
import io.octvex.desk.approvals.ApprovalsModel;
import io.octvex.desk.cache.DeskCache;
import io.octvex.desk.notify.DeskNotifications;
import io.octvex.desk.screen.LiveSync;
import io.octvex.desk.testing.DeskTesting;
import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.EventView;
import io.octvex.protocol.OctvexClient;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Desk's saved cursor and cache against the real server jar, restarted on the same home: approvals that
 * arrive while the stream is cut, or while the Desk is closed, show up once and are announced once (to a
 * notification server on a private D-Bus bus); a Desk opened again shows the saved list at once, marked stale,
 * and resumes the stream at the saved cursor. The inbox model, the cache and the notifications are the
 * Desk's own; only the window is left out ({@code fx} is one thread, as the FX thread would be).
 */
class DeskResumeIT {
    private static Path root;
    private static NotificationServer bus;
    private static ServerProcess server;
    private static ApprovalWorld world;
    private static int port;
    private final ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();
    private final ExecutorService fx = Executors.newSingleThreadExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(NotificationServer.available(), "dbus-daemon is not installed (CI installs it: .ci/run)");
        root = Files.createTempDirectory("octvex-desk-resume-it-");
        bus = NotificationServer.start(root.resolve("dbus"));
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        server = ServerProcess.start(root.resolve("server-home"), port);
        world = ApprovalWorld.setUp(server.url());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (bus != null) {
            bus.close();
        }
    }

    @Test
    void approvalsThatArriveWhileAwayAppearOnceAndAreAnnouncedOnce() throws Exception {
        OctvexClient ada = OctvexClient.connect(server.url());
        ada = ada.withToken(ada.login(ApprovalWorld.APPROVER, ApprovalWorld.APPROVER_PASSWORD).token());
        DeskCache cache = new DeskCache(root.resolve("desk-data"));
        DeskCache.Slot slot = cache.slot(URI.create(server.url()), world.workspace);
        var open = new CountDownLatch(0);

        // a Desk is open and live; one approval arrives and is announced
        Desk desk = new Desk(ApprovalsApi.of(ada, world.workspace), slot, open);
        await("live", () -> desk.model.syncProperty().get() == LiveSync.LIVE);
        ApprovalView a1 = world.pendingApproval("one", "https://approve.example/one");
        await("a1 shown", () -> ids(desk).contains(a1.id()));
        await("a1 announced", () -> announced("/one") == 1);

        // the stream is cut: the server stops and comes back on the same home; two approvals arrive meanwhile
        server.close();
        await("offline", () -> desk.model.syncProperty().get() == LiveSync.OFFLINE);
        server = ServerProcess.start(root.resolve("server-home"), port);
        world = world.reconnect(server.url());
        ApprovalView a2 = world.pendingApproval("two", "https://approve.example/two");
        ApprovalView a3 = world.pendingApproval("three", "https://approve.example/three");
        await("back live with all three", () -> desk.model.syncProperty().get() == LiveSync.LIVE
                && ids(desk).containsAll(List.of(a1.id(), a2.id(), a3.id())));
        assertThat(ids(desk)).as("each once").doesNotHaveDuplicates().hasSize(3);
        await("a2 and a3 announced", () -> announced("/two") == 1 && announced("/three") == 1);
        long cursorBeforeClose = desk.model.cursor();
        desk.close();

        // while the Desk is closed, one approval arrives and one is decided
        ApprovalView a4 = world.pendingApproval("four", "https://approve.example/four");
        world.admin.cancelRun(world.workspace, a2.runId(), "not needed any more");
        DeskCache.Snapshot saved = slot.load().orElseThrow();
        assertThat(saved.cursor()).isPositive().isLessThanOrEqualTo(cursorBeforeClose);
        assertThat(saved.pending()).extracting(ApprovalView::id).containsExactlyInAnyOrder(a1.id(), a2.id(), a3.id());

        // the Desk opens again: the saved list at once, stale, while the server is not answering yet
        var hold = new CountDownLatch(1);
        Desk again = new Desk(ApprovalsApi.of(ada, world.workspace), slot, hold);
        await("the saved list, stale", () -> ids(again).size() == 3
                && again.model.staleSinceProperty().get() != null);
        assertThat(again.model.staleSinceProperty().get()).isEqualTo(saved.savedAt());
        // the list is shown before the stream is opened (both off the FX thread): wait for the subscription
        await("the stream resumed at the saved cursor", () -> again.subscribedAfter != -1);
        assertThat(again.subscribedAfter).isEqualTo(saved.cursor());
        hold.countDown();
        await("then the server's list", () -> again.model.staleSinceProperty().get() == null
                && ids(again).equals(List.of(a1.id(), a3.id(), a4.id()).stream().sorted().toList()));
        await("a4 announced", () -> announced("/four") == 1);
        Thread.sleep(500); // a late duplicate would show here
        assertThat(bus.calls).as("each approval announced exactly once")
                .extracting(NotificationServer.Call::summary).hasSize(4).doesNotHaveDuplicates();
        again.close();
        assertThat(world.admin.approval(world.workspace, a2.id()).status()).isEqualTo(ApprovalStatus.CANCELLED);
    }

    private static List<UUID> ids(Desk desk) throws Exception {
        return desk.onFx(() -> desk.model.pending().stream().map(ApprovalItem::id).sorted().toList());
    }

    private static long announced(String path) {
        return bus.calls.stream().filter(c -> c.summary().endsWith("https://approve.example" + path)).count();
    }

    /** The Desk's inbox stack without its window. {@code hold} keeps the server's answers back until released. */
    private final class Desk implements AutoCloseable {
        final ApprovalsModel model;
        final DeskNotifications notifications;
        volatile long subscribedAfter = -1;

        Desk(ApprovalsApi api, DeskCache.Slot slot, CountDownLatch hold) {
            notifications = DeskNotifications.choose(Map.of("DBUS_SESSION_BUS_ADDRESS", bus.address()),
                    new DeskNotifications.Actions() {
                        @Override
                        public void open(ApprovalItem item) {}

                        @Override
                        public void approve(ApprovalItem item) {}

                        @Override
                        public void deny(ApprovalItem item) {}
                    }, () -> true);
            ApprovalsApi held = new ApprovalsApi() {
                @Override
                public List<ApprovalView> approvals(ApprovalStatus status) {
                    try {
                        hold.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return api.approvals(status);
                }

                @Override
                public ApprovalView approve(UUID approvalId) {
                    return api.approve(approvalId);
                }

                @Override
                public ApprovalView deny(UUID approvalId, String reason) {
                    return api.deny(approvalId, reason);
                }

                @Override
                public AutoCloseable subscribe(long afterSeq, Consumer<EventView> onEvent,
                                               Consumer<Throwable> onError, Runnable onOpen) {
                    subscribedAfter = afterSeq;
                    return api.subscribe(afterSeq, onEvent, onError, onOpen);
                }
            };
            model = new ApprovalsModel(held, io, fx, timer, Duration.ofMillis(150), Clock.systemUTC(), slot,
                    notifications::loaded);
            model.start();
        }

        <T> T onFx(Callable<T> read) throws Exception {
            return fx.submit(read).get();
        }

        @Override
        public void close() {
            model.close();
            notifications.close();
        }
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        DeskTesting.await(what, Duration.ofSeconds(60), condition,
                () -> "notifications: " + bus.calls + "\n" + DeskTesting.tail("server output", server.output()));
    }
}
