package io.octvex.server.fleet;

import io.octvex.server.OctvexProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * {@code ./octvex up} turns the machine it runs on into a fixed host: with {@code octvex.fleet.local-edge}
 * set, a server whose home has no edge identity yet leaves a single-use, short-lived enrolment token for the
 * default workspace in {@code <home>/run/local-edge.enroll} (mode 0600), which the local edge consumes.
 * The token is made by and audited to the first instance admin, as if they had asked for it.
 */
@Component
class LocalEdgeEnrollment {
    static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final Logger log = LoggerFactory.getLogger(LocalEdgeEnrollment.class);

    private final FleetProperties fleet;
    private final Path home;
    private final Enrollments enrollments;
    private final JdbcClient jdbc;

    LocalEdgeEnrollment(FleetProperties fleet, OctvexProperties properties, Enrollments enrollments, JdbcClient jdbc) {
        this.fleet = fleet;
        this.home = properties.home();
        this.enrollments = enrollments;
        this.jdbc = jdbc;
    }

    /** Runs before server.json is published, so whoever sees the server also finds the token. */
    @EventListener(ApplicationReadyEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    void onReady() {
        if (fleet.localEdge()) {
            prepare();
        }
    }

    /** Writes the token file when an enrolment is wanted; returns where, or empty when none is needed. */
    Optional<Path> prepare() {
        if (Files.exists(home.resolve("edge").resolve("identity.json"))) {
            return Optional.empty();
        }
        Optional<UUID> admin = jdbc.sql("""
                SELECT id FROM principals WHERE kind = 'user' AND instance_admin AND NOT disabled
                ORDER BY created_at LIMIT 1""").query(UUID.class).optional();
        Optional<UUID> workspace = jdbc.sql("""
                SELECT w.id FROM workspaces w JOIN memberships m ON m.workspace_id = w.id
                WHERE w.status = 'active' AND lower(w.name) = 'default' AND m.principal_id = :admin""")
                .param("admin", admin.orElse(new UUID(0, 0))).query(UUID.class).optional();
        if (admin.isEmpty() || workspace.isEmpty()) {
            log.info("No local edge enrolment: there is no instance admin with a 'default' workspace");
            return Optional.empty();
        }
        String token = enrollments.createFor(admin.get(), List.of(workspace.get()), "local edge (octvex up)", 1,
                LIFETIME).token();
        Path file = home.resolve("run").resolve("local-edge.enroll");
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "local-edge", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system (Windows): the home folder's own permissions protect it
            }
            Files.writeString(tmp, token);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("Could not leave the local edge's enrolment token in {}: {}", file, e.getMessage());
            return Optional.empty();
        }
        log.info("Left a single-use enrolment token for the local edge in {} (valid {} min)", file,
                LIFETIME.toMinutes());
        return Optional.of(file);
    }
}
