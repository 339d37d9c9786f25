package io.octvex.server.vault;

import io.octvex.server.OctvexProperties;
import io.octvex.server.audit.AuditLog;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Unlocks the vault while the application context is built, so a server without the right root key fails to
 * start (with {@link VaultFailureAnalyzer}'s explanation) before it listens or writes anything.
 */
@Configuration(proxyBeanMethods = false)
class VaultConfiguration {

    @Bean
    Keychain keychain() {
        return new OsKeychain();
    }

    @Bean(destroyMethod = "")
    UnlockedRoot unlockedRoot(VaultProperties settings, OctvexProperties octvex, Keychain keychain, VaultStore store,
                              JdbcClient jdbc, TransactionTemplate tx, AuditLog audit, Clock clock) {
        RootKeySources.Choice sources = RootKeySources.choose(settings, octvex.home(), () -> keychain);
        return new VaultUnlock(store, jdbc, tx, audit, clock).unlock(sources);
    }
}
