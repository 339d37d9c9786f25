package io.octvex.server.fleet;

import io.octvex.protocol.EdgeState;
import io.octvex.server.OctvexProperties;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Watches the queue of one (workspace, capabilities) and provisions or drains edges through an
 * {@link EdgeBackend} ({@code octvex.fleet.autoscaler.*}, see docs/edges.md). Runs on one replica at a time:
 * the one holding a PostgreSQL advisory lock (distinct from the lease sweeper's) on a connection it keeps for as
 * long as it leads, so its memory (edges still starting, idle times, cooldown) stays with the leader.
 * Its edges carry the label {@code octvex.autoscaled=<id>}, enrol with single-use tokens made on behalf of the
 * workspace's first owner, and are drained (as an operator's drain) when idle above {@code min}.
 */
@Component
@ConditionalOnProperty(prefix = "octvex.fleet.autoscaler", name = "enabled", havingValue = "true")
class AutoScaler implements DisposableBean {
    /** Advisory lock key: "ovx-asc1". */
    static final long LOCK = 0x6f76782d61736331L;
    static final String LABEL = "octvex.autoscaled";
    static final Duration TOKEN_LIFETIME = Duration.ofMinutes(10);
    private static final Logger log = LoggerFactory.getLogger(AutoScaler.class);

    private final AutoScalerProperties settings;
    private final FleetProperties fleet;
    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final FleetStore store;
    private final Enrollments enrollments;
    private final AuditLog audit;
    private final StepWakeups wakeups;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Environment environment;
    private final EdgeBackend backend;

    private Connection lockConnection;
    private volatile int port;
    private UUID workspaceId;
    private UUID owner;
    private Instant lastAction;
    private final Map<String, Instant> starting = new LinkedHashMap<>();
    private final Map<UUID, Instant> idleSince = new HashMap<>();

    AutoScaler(AutoScalerProperties settings, FleetProperties fleet, OctvexProperties octvex, DataSource dataSource,
               JdbcClient jdbc, FleetStore store, Enrollments enrollments, AuditLog audit, StepWakeups wakeups,
               TransactionTemplate tx, Clock clock, Environment environment) {
        settings.check();
        this.settings = settings;
        this.fleet = fleet;
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.store = store;
        this.enrollments = enrollments;
        this.audit = audit;
        this.wakeups = wakeups;
        this.tx = tx;
        this.clock = clock;
        this.environment = environment;
        this.backend = switch (settings.backend()) {
            case PROCESS -> new ProcessBackend(settings.command(), settings.workDir() != null ? settings.workDir()
                    : octvex.home().resolve("autoscaler"));
            case DOCKER -> new DockerBackend(settings.docker(), settings.image(), settings.network(),
                    System.getenv("PATH"));
            case EXTERNAL -> new ExternalBackend(settings.command());
        };
        log.info("Auto-scaler '{}' watches {} for {} with the {} backend (min {}, max {})", settings.id(),
                settings.workspace(), settings.capability(), backend.name(), settings.min(), settings.max());
    }

    @EventListener
    void listening(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getParent() == null) {
            port = event.getWebServer().getPort();
        }
    }

    @Scheduled(fixedDelayString = "${octvex.fleet.autoscaler.interval:PT5S}",
            initialDelayString = "${octvex.fleet.autoscaler.interval:PT5S}")
    void scheduled() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("Auto-scaler tick failed; the next one retries", e);
        }
    }

    /** One look, if this replica leads; answers the decision taken (nothing when it does not lead). */
    synchronized ScalingPolicy.Decision tick() {
        String serverUrl = serverUrl();
        if (serverUrl == null || !lead() || !resolveWorkspace()) {
            return ScalingPolicy.Decision.NOTHING;
        }
        Instant now = now();
        backend.reap();
        List<FleetStore.EdgeRow> mine = store.edges(workspaceId).stream()
                .filter(e -> settings.id().equals(e.labels().get(LABEL))).toList();
        // launched edges count until they enrol, their process ends, or the start timeout passes
        starting.entrySet().removeIf(s -> mine.stream().anyMatch(e -> e.name().equals(s.getKey()))
                || !backend.alive(s.getKey()) || s.getValue().plus(settings.startTimeout()).isBefore(now));
        List<FleetStore.EdgeRow> live = mine.stream().filter(e -> e.state() == EdgeState.ACTIVE
                && e.lastSeenAt() != null && !e.lastSeenAt().isBefore(now.minus(fleet.liveWindow()))).toList();
        Map<UUID, Integer> load = store.activeLeases(live.stream().map(FleetStore.EdgeRow::id).toList(), null);
        idleSince.keySet().retainAll(live.stream().map(FleetStore.EdgeRow::id).toList());
        List<FleetStore.EdgeRow> idle = new ArrayList<>();
        for (FleetStore.EdgeRow e : live) {
            if (load.getOrDefault(e.id(), 0) > 0) {
                idleSince.remove(e.id());
            } else {
                Instant since = idleSince.computeIfAbsent(e.id(), id -> now);
                if (!since.plus(settings.idleBeforeDrain()).isAfter(now)) {
                    idle.add(e);
                }
            }
        }
        int queued = queued();
        int capacity = live.stream().mapToInt(FleetStore.EdgeRow::capacity).sum()
                + starting.size() * settings.edgeCapacity();
        int provisioned = live.size() + starting.size();
        boolean cooledDown = lastAction == null || !lastAction.plus(settings.cooldown()).isAfter(now);
        ScalingPolicy.Decision decision = ScalingPolicy.decide(
                new ScalingPolicy.Observation(queued, capacity, provisioned, idle.size(), cooledDown), settings.limits());
        if (decision.up() > 0) {
            lastAction = now;
            scaleUp(decision.up(), queued, serverUrl, now);
        } else if (decision.down() > 0) {
            lastAction = now;
            idle.sort(Comparator.comparing((FleetStore.EdgeRow e) -> idleSince.get(e.id())).thenComparing(FleetStore.EdgeRow::id));
            for (FleetStore.EdgeRow e : idle.subList(0, decision.down())) {
                drain(e);
                idleSince.remove(e.id());
            }
            wakeups.wakeAll();
        }
        return decision;
    }

    private void scaleUp(int count, int queued, String serverUrl, Instant now) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = settings.id() + "-" + UUID.randomUUID().toString().substring(0, 8);
            String token = enrollments.createFor(owner, List.of(workspaceId), "auto-scaler " + settings.id() + ": "
                    + name, 1, TOKEN_LIFETIME).token();
            try {
                backend.launch(new EdgeBackend.Launch(name, token, serverUrl, Map.of(LABEL, settings.id()),
                        settings.edgeCapacity()));
                starting.put(name, now);
                names.add(name);
            } catch (Exception e) {
                log.warn("Auto-scaler '{}' could not start an edge with the {} backend: {}", settings.id(),
                        backend.name(), e.getMessage());
                break;
            }
        }
        if (!names.isEmpty()) {
            tx.executeWithoutResult(s -> audit.append(workspaceId, AuditEntry.of("fleet.scaled_up", owner, Rows.data(
                    "backend", backend.name(), "count", names.size(), "queued", queued, "edges", names))));
        }
    }

    /** An operator's drain, done as the workspace's first owner: the edge finishes its steps and exits. */
    private void drain(FleetStore.EdgeRow seen) {
        tx.executeWithoutResult(s -> {
            FleetStore.EdgeRow edge = store.lockEdge(seen.id()).orElse(null);
            if (edge == null || edge.state() != EdgeState.ACTIVE) {
                return;
            }
            EdgeTransitions.check(edge.state(), EdgeState.DRAINING);
            if (!store.setState(edge.id(), EdgeState.ACTIVE, EdgeState.DRAINING, now())) {
                return;
            }
            for (UUID ws : edge.workspaceIds().stream().sorted().toList()) {
                audit.append(ws, AuditEntry.of("edge.draining", owner, Rows.data("edgeId", edge.id().toString(),
                        "name", edge.name(), "from", edge.state().wire(), "reason", "by the auto-scaler")));
            }
            audit.append(workspaceId, AuditEntry.of("fleet.scaled_down", owner,
                    Rows.data("edgeId", edge.id().toString())));
        });
        log.info("Auto-scaler '{}' drains idle edge {} ({})", settings.id(), seen.name(), seen.id());
    }

    private int queued() {
        return jdbc.sql("""
                SELECT count(*) FROM steps WHERE workspace_id = :ws AND status = 'queued' AND handler = ANY(:caps)""")
                .param("ws", workspaceId).param("caps", settings.capability().toArray(String[]::new))
                .query(Integer.class).single();
    }

    /** The watched workspace (by id or name) and its first owner, once they exist. */
    private boolean resolveWorkspace() {
        if (workspaceId != null && owner != null) {
            return true;
        }
        String ws = settings.workspace().strip();
        Optional<UUID> id;
        try {
            id = jdbc.sql("SELECT id FROM workspaces WHERE id = :id AND status = 'active'")
                    .param("id", UUID.fromString(ws)).query(UUID.class).optional();
        } catch (IllegalArgumentException notAnId) {
            id = jdbc.sql("SELECT id FROM workspaces WHERE lower(name) = lower(:name) AND status = 'active' "
                    + "ORDER BY created_at LIMIT 1").param("name", ws).query(UUID.class).optional();
        }
        if (id.isEmpty()) {
            log.debug("Auto-scaler: no active workspace '{}' (yet)", ws);
            return false;
        }
        Optional<UUID> first = jdbc.sql("""
                SELECT principal_id FROM memberships WHERE workspace_id = :ws AND 'owner' = ANY (roles)
                ORDER BY created_at, principal_id LIMIT 1""").param("ws", id.get()).query(UUID.class).optional();
        if (first.isEmpty()) {
            log.warn("Auto-scaler: workspace '{}' has no owner to act for", ws);
            return false;
        }
        workspaceId = id.get();
        owner = first.get();
        return true;
    }

    private String serverUrl() {
        if (settings.serverUrl() != null && !settings.serverUrl().isBlank()) {
            return settings.serverUrl().strip();
        }
        if (port <= 0) {
            return null;
        }
        String address = environment.getProperty("server.address", "127.0.0.1");
        String host = address.equals("0.0.0.0") || address.equals("::") ? "127.0.0.1" : address;
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Takes or keeps the scaler's advisory lock on a connection of its own. */
    private boolean lead() {
        try {
            if (lockConnection != null) {
                if (lockConnection.isValid(2)) {
                    return true;
                }
                log.warn("Auto-scaler lost its database connection; it tries to lead again");
                release();
            }
            Connection c = dataSource.getConnection();
            boolean locked;
            try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                s.setLong(1, LOCK);
                try (ResultSet rs = s.executeQuery()) {
                    locked = rs.next() && rs.getBoolean(1);
                }
            }
            if (!locked) {
                c.close();
                return false;
            }
            lockConnection = c;
            log.info("Auto-scaler '{}' runs on this replica", settings.id());
            return true;
        } catch (SQLException e) {
            release();
            throw new IllegalStateException("auto-scaler lock: " + e.getMessage(), e);
        }
    }

    private void release() {
        Connection c = lockConnection;
        lockConnection = null;
        if (c == null) {
            return;
        }
        try (c; PreparedStatement s = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            s.setLong(1, LOCK);
            s.execute();
        } catch (SQLException e) {
            log.debug("Could not release the auto-scaler lock cleanly", e);
        }
    }

    @Override
    public synchronized void destroy() {
        backend.close();
        release();
    }

    EdgeBackend backend() {
        return backend;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
