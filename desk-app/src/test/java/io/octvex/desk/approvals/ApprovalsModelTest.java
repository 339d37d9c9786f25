package io.octvex.desk.approvals;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.desk.screen.LiveSync;
import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.EventView;
import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.OctvexConnectionException;
import io.octvex.protocol.Problem;
import io.octvex.protocol.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The inbox model against a fake server: debounced live refresh, stream state, refusals as sentences. */
class ApprovalsModelTest {
    private static final Instant NOW = Instant.parse("2026-11-24T01:00:00Z");
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final FakeApi api = new FakeApi();
    private final ApprovalsModel model = new ApprovalsModel(api, Runnable::run, Runnable::run, timer,
            Duration.ofMillis(50), Clock.fixed(NOW, ZoneOffset.UTC));

    @AfterEach
    void stop() {
        model.close();
        timer.shutdownNow();
    }

    @Test
    void loadsPendingSoonestFirstAndRefreshesOncePerBurstOfApprovalEvents() throws Exception {
        api.pending.add(approval("https://late.example/x", NOW.plusSeconds(3600)));
        api.pending.add(approval("https://soon.example/x", NOW.plusSeconds(90)));
        model.start(0);
        assertThat(model.pending()).extracting(ApprovalItem::what)
                .containsExactly("POST https://soon.example/x", "POST https://late.example/x");
        int before = api.pendingLoads.get();

        api.pending.add(approval("https://new.example/x", NOW.plusSeconds(600)));
        for (int seq = 1; seq <= 5; seq++) {
            api.onEvent.accept(event(seq, seq == 3 ? "run.started" : "approval.requested"));
        }
        await(() -> model.pending().size() == 3);
        Thread.sleep(200);
        assertThat(api.pendingLoads.get() - before).as("the first event refreshes at once, the rest of the burst share one").isEqualTo(2);
        assertThat(model.cursor()).isEqualTo(5);
        assertThat(ApprovalItem.countdown(model.pending().getFirst().remaining(NOW))).isEqualTo("1:30");
    }

    @Test
    void theStreamStateGoesLiveOfflineAndLiveAgainAndAReconnectRefreshes() throws Exception {
        model.start(7);
        assertThat(api.subscribedAfter).isEqualTo(7);
        assertThat(model.syncProperty().get()).isEqualTo(LiveSync.CONNECTING);

        api.onOpen.run();
        assertThat(model.syncProperty().get()).isEqualTo(LiveSync.LIVE);

        api.onError.accept(new OctvexConnectionException("cannot reach", new java.io.IOException("refused")));
        assertThat(model.syncProperty().get()).isEqualTo(LiveSync.OFFLINE);
        assertThat(model.noticeProperty().get().problem()).isTrue();
        assertThat(model.noticeProperty().get().text()).contains("Live updates are down").contains("stale")
                .doesNotContain("Exception");

        api.pending.add(approval("https://while-away.example/x", NOW.plusSeconds(600)));
        api.onOpen.run();
        assertThat(model.syncProperty().get()).isEqualTo(LiveSync.LIVE);
        await(() -> model.pending().size() == 1);
    }

    @Test
    void refusalsBecomeSentencesAndADenialNeedsAReason() throws Exception {
        ApprovalView a = approval("https://x.example/", NOW.plusSeconds(600));
        api.pending.add(a);
        model.start(0);
        api.refusal = new OctvexApiException(new Problem("about:blank", "Conflict", 409,
                "the approval is already approved", null));
        model.approve(model.pending().getFirst());
        assertThat(model.noticeProperty().get())
                .isEqualTo(new ApprovalsModel.Notice("Approve refused: Already settled: the approval is already approved", true));

        api.refusal = new OctvexApiException(new Problem("about:blank", "Forbidden", 403,
                "you do not hold the approver role", null));
        model.deny(model.pending().getFirst(), "no");
        assertThat(model.noticeProperty().get().text()).isEqualTo("Deny refused: Not allowed: you do not hold the approver role");

        model.deny(model.pending().getFirst(), "  ");
        assertThat(model.noticeProperty().get().text()).isEqualTo("A denial needs a reason.");

        api.refusal = null;
        model.approve(model.pending().getFirst());
        assertThat(model.noticeProperty().get().text()).isEqualTo("Approved: POST https://x.example/");
        assertThat(api.approved).containsExactly(a.id());
    }

    @Test
    void withoutASavedStateTheBacklogIsNotAnnouncedButEveryLaterArrivalIsOnceAndItIsSaved() throws Exception {
        var slot = new MemorySlot(null);
        var announced = new CopyOnWriteArrayList<UUID>();
        var desk = new ApprovalsModel(api, Runnable::run, Runnable::run, timer, Duration.ofMillis(50),
                Clock.fixed(NOW, ZoneOffset.UTC), slot, (all, fresh) -> fresh.forEach(i -> announced.add(i.id())));
        try {
            ApprovalView old = approval("https://old.example/x", NOW.plusSeconds(600));
            api.pending.add(old);
            desk.start();
            await(() -> desk.pending().size() == 1);
            assertThat(announced).as("the backlog is in the list, not announced").isEmpty();

            ApprovalView fresh = approval("https://fresh.example/x", NOW.plusSeconds(600));
            api.pending.add(fresh);
            api.onEvent.accept(event(3, "approval.requested"));
            await(() -> desk.pending().size() == 2);
            desk.refreshNow();
            api.onOpen.run(); // a reconnect loads again
            await(() -> slot.saved != null && slot.saved.pending().size() == 2 && !announced.isEmpty());
            assertThat(announced).containsExactly(fresh.id());
            assertThat(slot.saved.cursor()).isEqualTo(3);
            assertThat(slot.saved.pending()).extracting(ApprovalView::id).containsExactlyInAnyOrder(old.id(), fresh.id());
        } finally {
            desk.close();
        }
    }

    @Test
    void aSavedStateIsShownStaleAtOnceTheStreamResumesAtItsCursorAndOnlyWhatIsNewIsAnnounced() throws Exception {
        ApprovalView kept = approval("https://kept.example/x", NOW.plusSeconds(600));
        ApprovalView gone = approval("https://gone.example/x", NOW.plusSeconds(600));
        Instant savedAt = NOW.minusSeconds(3600);
        var slot = new MemorySlot(new io.octvex.desk.cache.DeskCache.Snapshot(41, savedAt, List.of(kept, gone), List.of()));
        var announced = new CopyOnWriteArrayList<UUID>();
        var release = new java.util.concurrent.CountDownLatch(1);
        var held = new FakeApi() {
            @Override
            public List<ApprovalView> approvals(ApprovalStatus status) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return super.approvals(status);
            }
        };
        var io = Executors.newVirtualThreadPerTaskExecutor();
        var desk = new ApprovalsModel(held, io, Runnable::run, timer, Duration.ofMillis(50),
                Clock.fixed(NOW, ZoneOffset.UTC), slot, (all, fresh) -> fresh.forEach(i -> announced.add(i.id())));
        try {
            desk.start();
            await(() -> desk.pending().size() == 2 && held.subscribedAfter == 41);
            assertThat(desk.staleSinceProperty().get()).isEqualTo(savedAt);

            ApprovalView arrived = approval("https://arrived.example/x", NOW.plusSeconds(600));
            held.pending.addAll(List.of(kept, arrived));
            release.countDown();
            await(() -> desk.staleSinceProperty().get() == null && !announced.isEmpty());
            assertThat(desk.pending()).extracting(ApprovalItem::id).containsExactlyInAnyOrder(kept.id(), arrived.id());
            assertThat(announced).containsExactly(arrived.id());
        } finally {
            desk.close();
            io.shutdownNow();
        }
    }

    private static final class MemorySlot implements io.octvex.desk.cache.DeskCache.Slot {
        private final io.octvex.desk.cache.DeskCache.Snapshot initial;
        volatile io.octvex.desk.cache.DeskCache.Snapshot saved;

        MemorySlot(io.octvex.desk.cache.DeskCache.Snapshot initial) {
            this.initial = initial;
        }

        @Override
        public java.util.Optional<io.octvex.desk.cache.DeskCache.Snapshot> load() {
            return java.util.Optional.ofNullable(initial);
        }

        @Override
        public void save(io.octvex.desk.cache.DeskCache.Snapshot snapshot) {
            saved = snapshot;
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 100 && !condition.getAsBoolean(); i++) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }

    static ApprovalView approval(String resource, Instant expiresAt) {
        var evidence = Json.tree("""
                {"action":"http.request","method":"POST","resource":"%s","rule":"sign-off",
                 "message":"someone must look","requestedBy":{"name":"agent-7"},"run":{"title":"nightly"},
                 "step":{"key":"ask"}}""".formatted(resource));
        return new ApprovalView(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
                ApprovalStatus.PENDING, evidence, UUID.randomUUID(), Role.APPROVER, 1, 0, NOW, expiresAt, null, null,
                null, List.of());
    }

    private static EventView event(long seq, String type) {
        return new EventView(UUID.randomUUID(), seq, UUID.randomUUID(), type, null, null, null, NOW, null, null, null);
    }

    private static class FakeApi implements ApprovalsApi {
        final List<ApprovalView> pending = new CopyOnWriteArrayList<>();
        final List<UUID> approved = new ArrayList<>();
        final AtomicInteger pendingLoads = new AtomicInteger();
        volatile RuntimeException refusal;
        Consumer<EventView> onEvent;
        Consumer<Throwable> onError;
        Runnable onOpen;
        volatile long subscribedAfter = -1;

        @Override
        public List<ApprovalView> approvals(ApprovalStatus status) {
            if (status == ApprovalStatus.PENDING) {
                pendingLoads.incrementAndGet();
                return List.copyOf(pending);
            }
            return List.of();
        }

        @Override
        public ApprovalView approve(UUID approvalId) {
            if (refusal != null) {
                throw refusal;
            }
            approved.add(approvalId);
            ApprovalView a = pending.stream().filter(p -> p.id().equals(approvalId)).findFirst().orElseThrow();
            return new ApprovalView(a.id(), a.workspaceId(), a.runId(), a.stepId(), ApprovalStatus.APPROVED,
                    a.evidence(), a.requestedBy(), a.approverRole(), 1, 1, a.requestedAt(), a.expiresAt(), NOW,
                    "approved", null, List.of());
        }

        @Override
        public ApprovalView deny(UUID approvalId, String reason) {
            if (refusal != null) {
                throw refusal;
            }
            throw new UnsupportedOperationException();
        }

        @Override
        public AutoCloseable subscribe(long afterSeq, Consumer<EventView> onEvent, Consumer<Throwable> onError,
                                       Runnable onOpen) {
            this.subscribedAfter = afterSeq;
            this.onEvent = onEvent;
            this.onError = onError;
            this.onOpen = onOpen;
            return () -> {};
        }
    }
}
