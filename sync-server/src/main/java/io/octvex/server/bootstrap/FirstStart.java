package io.octvex.server.bootstrap;

import io.octvex.protocol.PrincipalView;
import io.octvex.protocol.WorkspaceView;
import io.octvex.server.OctvexProperties;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.identity.Identities;
import io.octvex.server.workspace.Workspaces;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates the first administrator and the "default" workspace when no user exists yet. Several servers
 * starting at once on one database take a transaction-scoped advisory lock first, so exactly one of them
 * creates the admin and the others find it there.
 */
@Service
class FirstStart {
    static final String DEFAULT_WORKSPACE = "default";
    /** pg_advisory_xact_lock key: "octvex" + "boot" folded into a long. */
    private static final long LOCK_KEY = 0x6f637476_626f6f74L;
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
    private static final int GENERATED_LENGTH = 24;

    private final JdbcClient jdbc;
    private final Identities identities;
    private final Workspaces workspaces;
    private final AuditLog auditLog;
    private final OctvexProperties.Bootstrap settings;
    private final SecureRandom random = new SecureRandom();

    FirstStart(JdbcClient jdbc, Identities identities, Workspaces workspaces, AuditLog auditLog,
               OctvexProperties properties) {
        this.jdbc = jdbc;
        this.identities = identities;
        this.auditLog = auditLog;
        this.workspaces = workspaces;
        this.settings = properties.bootstrap();
    }

    /** What a first start made; the password only when it was generated here. */
    record Created(String username, char[] generatedPassword, PrincipalView admin, WorkspaceView workspace) {}

    @Transactional
    public Optional<Created> createAdminIfNone() {
        jdbc.sql("SELECT pg_advisory_xact_lock(:key)").param("key", LOCK_KEY).query().singleValue();
        if (identities.anyUser()) {
            return Optional.empty();
        }
        boolean generate = settings.adminPassword() == null || settings.adminPassword().isEmpty();
        char[] password = generate ? generate() : settings.adminPassword().toCharArray();
        char[] forHashing = password.clone();
        PrincipalView admin;
        try {
            admin = identities.createInstanceAdmin(settings.adminUsername(), forHashing);
        } finally {
            Arrays.fill(forHashing, '\0');
            if (!generate) {
                Arrays.fill(password, '\0');
            }
        }
        WorkspaceView workspace = workspaces.create(DEFAULT_WORKSPACE, admin.id());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("adminId", admin.id().toString());
        data.put("username", admin.name());
        data.put("workspaceId", workspace.id().toString());
        data.put("passwordGenerated", generate);
        auditLog.append(AuditLog.INSTANCE, AuditEntry.of("instance.bootstrapped", admin.id(), data));
        return Optional.of(new Created(admin.name(), generate ? password : null, admin, workspace));
    }

    private char[] generate() {
        char[] password = new char[GENERATED_LENGTH];
        for (int i = 0; i < password.length; i++) {
            password[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return password;
    }
}
