package io.octvex.server.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.octvex.server.OctvexServerApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Whole server starts against a database of their own: the first start keeps the root key's check value,
 * a start with another key or with no key is refused with an explanation and changes nothing, and a start
 * given the previous key next to a new one rotates the root key.
 */
@ExtendWith(OutputCaptureExtension.class)
class VaultStartTest {
    @TempDir
    Path home;
    EmbeddedPostgres postgres;
    JdbcClient jdbc;

    @BeforeEach
    void database() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        jdbc = JdbcClient.create(new SingleConnectionDataSource(postgres.getJdbcUrl("postgres", "postgres"),
                "postgres", "postgres", true));
    }

    @AfterEach
    void stop() throws Exception {
        postgres.close();
    }

    @Test
    void aKeyFileVaultRefusesAnotherKeyOrNoneAndRotatesThroughThePreviousKey(CapturedOutput output) throws Exception {
        Path key = home.resolve("vault/root.key");
        try (ConfigurableApplicationContext server = start()) {
            store(server, "kept", "value-1");
        }
        assertThat(key).exists();
        String snapshot = snapshot();

        // another key in the environment: refused, with the reason and what to do
        String other = Base64.getEncoder().encodeToString(Aead.randomKey());
        VaultLockedException wrong = refused("--octvex.vault.root-key=" + other);
        assertThat(wrong.getMessage()).contains("cannot be opened with the root key from the key in OCTVEX_VAULT_ROOT_KEY",
                "it is another key", "Nothing was changed");
        assertThat(wrong.action()).contains("fingerprint");
        assertThat(output).contains("APPLICATION FAILED TO START").contains("Action:");
        assertThat(output).doesNotContain(other);
        assertThat(snapshot()).isEqualTo(snapshot);

        // the key file lost: refused, and no new key is made in its place
        Path elsewhere = home.resolve("backup.key");
        Files.move(key, elsewhere);
        VaultLockedException missing = refused();
        assertThat(missing.getMessage()).contains("holds none", "No new key was made");
        assertThat(key).doesNotExist();
        assertThat(snapshot()).isEqualTo(snapshot);

        // rotation: the old key as root.key.previous, no root.key: a new key is made and every data key rewrapped
        Files.move(elsewhere, home.resolve("vault/root.key.previous"));
        try (ConfigurableApplicationContext server = start()) {
            assertThat(read(server, "kept")).isEqualTo("value-1");
            store(server, "after", "value-2");
        }
        assertThat(key).exists();
        assertThat(jdbc.sql("SELECT term FROM vault_root_terms WHERE retired_at IS NULL").query(Integer.class).single())
                .isEqualTo(2);
        assertThat(jdbc.sql("SELECT DISTINCT root_term FROM vault_data_keys").query(Integer.class).list()).containsExactly(2);
        assertThat(jdbc.sql("SELECT data->>'dataKeys' FROM events WHERE type = 'vault.root_rotated'")
                .query(String.class).single()).isEqualTo("1");
        assertThat(output).contains("Vault root key rotated: root term 1 -> 2");

        // the next start opens with the new key at once, the previous one still lying there
        try (ConfigurableApplicationContext server = start()) {
            assertThat(read(server, "kept")).isEqualTo("value-1");
            assertThat(read(server, "after")).isEqualTo("value-2");
        }
        assertThat(jdbc.sql("SELECT count(*) FROM vault_root_terms").query(Long.class).single()).isEqualTo(2);
    }

    @Test
    void aPassphraseVaultOpensWithItsPassphraseOnlyAndRotatesToANewOne() {
        String first = "--octvex.vault.passphrase=first passphrase of the vault";
        try (ConfigurableApplicationContext server = start(first)) {
            store(server, "kept", "value-1");
        }
        assertThat(home.resolve("vault/root.key")).doesNotExist();
        assertThat(jdbc.sql("SELECT source || ' ' || (kdf->>'m') || ' ' || (kdf->>'t') FROM vault_root_terms")
                .query(String.class).single()).isEqualTo("passphrase 65536 3");
        String snapshot = snapshot();

        String second = "--octvex.vault.passphrase=second passphrase of the vault";
        assertThat(refused(second).getMessage()).contains("the passphrase in OCTVEX_VAULT_PASSPHRASE", "another key");
        assertThat(snapshot()).isEqualTo(snapshot);

        try (ConfigurableApplicationContext server = start(second,
                "--octvex.vault.previous-passphrase=first passphrase of the vault")) {
            assertThat(read(server, "kept")).isEqualTo("value-1");
        }
        try (ConfigurableApplicationContext server = start(second)) {
            assertThat(read(server, "kept")).isEqualTo("value-1");
        }
        List<String> salts = jdbc.sql("SELECT kdf->>'salt' FROM vault_root_terms ORDER BY term").query(String.class).list();
        assertThat(salts).hasSize(2).doesNotHaveDuplicates();
    }

    private ConfigurableApplicationContext start(String... extra) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                "--octvex.home=" + home, "--octvex.database.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--octvex.database.user=postgres", "--octvex.database.password=postgres",
                "--octvex.bootstrap.admin-password=start test password"));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(OctvexServerApplication.class).run(args.toArray(String[]::new));
    }

    private VaultLockedException refused(String... extra) {
        Throwable thrown = catchThrowable(() -> start(extra).close());
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof VaultLockedException locked) {
                return locked;
            }
        }
        throw new AssertionError("the server started, or failed for another reason", thrown);
    }

    private void store(ConfigurableApplicationContext server, String name, String token) {
        server.getBean(Vault.class).create(defaultWorkspace(), null, VaultFixtures.bearer(name, token));
    }

    private String read(ConfigurableApplicationContext server, String name) {
        Vault vault = server.getBean(Vault.class);
        try (SecretMaterial m = server.getBean(TransactionTemplate.class).execute(s ->
                vault.resolve(defaultWorkspace(), name, new SecretUse(null, null, null, "test", Map.of())))) {
            return new String(m.chars(SecretField.TOKEN));
        }
    }

    private UUID defaultWorkspace() {
        return jdbc.sql("SELECT id FROM workspaces WHERE name = 'default'").query(UUID.class).single();
    }

    /** Everything the vault and the audit log hold, as one text: a refused start must leave it as it was. */
    private String snapshot() {
        return jdbc.sql("""
                SELECT (SELECT string_agg(t::text, '|' ORDER BY term) FROM vault_root_terms t) || '/'
                    || (SELECT string_agg(d::text, '|' ORDER BY workspace_id, term) FROM vault_data_keys d) || '/'
                    || (SELECT string_agg(s::text, '|' ORDER BY id) FROM secrets s) || '/'
                    || (SELECT count(*) FROM events) || '/' || (SELECT count(*) FROM principals)""")
                .query(String.class).single();
    }
}
