package io.octvex.server;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * The whole server on a random port, over a real (embedded, throw-away) PostgreSQL. All tests that use
 * these exact properties share one Spring context and one database, so each test makes its own workspace.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "octvex.database.embedded.ephemeral=true",
        "octvex.home=${java.io.tmpdir}/octvex-test-home",
        "octvex.bootstrap.admin-password=" + ServerTest.ADMIN_PASSWORD,
        "server.address=127.0.0.1",
        // tests run the vault's re-encrypt job themselves, at the moment they mean to
        "octvex.vault.reencrypt-interval=PT1H",
        // likewise the OAuth refresh job; the tests' OAuth server speaks plain http on loopback
        "octvex.oauth.refresh-interval=PT1H",
        "octvex.oauth.allow-http=true"
})
@Import(TestClockConfiguration.class)
public @interface ServerTest {
    String ADMIN_PASSWORD = "correct horse battery staple";
    /**
     * What another replica on the test database must be told: the vault's root key, which the first start of
     * the shared context made in its key file (replicas of one vault share one root key).
     */
    String SHARED_ROOT_KEY = "--octvex.vault.key-file=" + "${java.io.tmpdir}/octvex-test-home/vault/root.key";
}
