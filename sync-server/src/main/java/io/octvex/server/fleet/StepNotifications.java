package io.octvex.server.fleet;

import io.octvex.server.database.ConnectionSettings;
import io.octvex.server.database.PgNotificationListener;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A trigger on {@code steps} (V030) announces on {@value #CHANNEL}, once per workspace and transaction, that
 * steps became queued, on this replica or any other; waiting lease requests of that workspace wake up.
 */
@Configuration(proxyBeanMethods = false)
class StepNotifications {
    static final String CHANNEL = "octvex_steps";

    @Bean
    PgNotificationListener stepNotificationListener(ConnectionSettings settings, StepWakeups wakeups) {
        return new PgNotificationListener(settings, CHANNEL, payload -> {
            try {
                wakeups.wake(UUID.fromString(payload));
            } catch (IllegalArgumentException e) {
                wakeups.wakeAll();
            }
        }, wakeups::wakeAll);
    }
}
