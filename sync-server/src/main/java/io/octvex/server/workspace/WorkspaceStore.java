package io.octvex.server.workspace;

import io.octvex.protocol.Role;
import io.octvex.protocol.WorkspaceStatus;
import io.octvex.protocol.WorkspaceView;
import io.octvex.server.web.ApiException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The workspaces table. The reserved system workspace (the instance's audit chain) is never returned. */
@Component
class WorkspaceStore {
    static final int MAX_NAME = 100;

    private final JdbcClient jdbc;

    WorkspaceStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Workspace(UUID id, String name, WorkspaceStatus status, Instant createdAt, Instant updatedAt) {
        WorkspaceView view(List<Role> roles) {
            return new WorkspaceView(id, name, status, createdAt, updatedAt, List.copyOf(roles));
        }
    }

    static String checkName(String name) {
        if (name == null) {
            throw ApiException.badRequest("'name' is required");
        }
        String trimmed = name.strip();
        int length = trimmed.codePointCount(0, trimmed.length());
        if (length < 1 || length > MAX_NAME) {
            throw ApiException.badRequest("'name' must be 1 to " + MAX_NAME + " characters");
        }
        if (trimmed.codePoints().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("'name' must not contain control characters (such as line breaks or tabs)");
        }
        return trimmed;
    }

    List<Workspace> findAll(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT * FROM workspaces WHERE id IN (:ids) AND status <> 'system'")
                .param("ids", ids).query(WorkspaceStore::row).list();
    }

    Optional<Workspace> find(UUID id) {
        return jdbc.sql("SELECT * FROM workspaces WHERE id = :id AND status <> 'system'").param("id", id)
                .query(WorkspaceStore::row).optional();
    }

    Optional<Workspace> lock(UUID id) {
        return jdbc.sql("SELECT * FROM workspaces WHERE id = :id AND status <> 'system' FOR UPDATE").param("id", id)
                .query(WorkspaceStore::row).optional();
    }

    /** Whether another active workspace (not {@code except}) has this name, ignoring case. */
    boolean activeNamed(String name, UUID except) {
        return jdbc.sql("""
                SELECT EXISTS (SELECT 1 FROM workspaces WHERE status = 'active' AND lower(name) = lower(:name)
                               AND (CAST(:except AS uuid) IS NULL OR id <> :except))""")
                .param("name", name).param("except", except).query(Boolean.class).single();
    }

    Workspace insert(String name, Instant now) {
        UUID id = UUID.randomUUID();
        try {
            jdbc.sql("""
                    INSERT INTO workspaces (id, name, status, created_at, updated_at)
                    VALUES (:id, :name, 'active', :now, :now)""")
                    .param("id", id).param("name", name).param("now", at(now)).update();
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("an active workspace named '" + name + "' already exists; choose another name");
        }
        return new Workspace(id, name, WorkspaceStatus.ACTIVE, now, now);
    }

    void update(UUID id, String name, WorkspaceStatus status, Instant now) {
        try {
            jdbc.sql("""
                    UPDATE workspaces SET name = :name, status = :status, updated_at = :now, version = version + 1
                    WHERE id = :id AND status <> 'system'""")
                    .param("name", name).param("status", status.wire()).param("now", at(now)).param("id", id).update();
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("an active workspace named '" + name + "' already exists; choose another name");
        }
    }

    private static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Workspace row(ResultSet rs, int n) throws SQLException {
        return new Workspace(rs.getObject("id", UUID.class), rs.getString("name"),
                WorkspaceStatus.fromWire(rs.getString("status")),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    }
}
