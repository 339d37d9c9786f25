package io.octvex.server.events;

import io.octvex.server.OctvexProperties;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.database.ConnectionSettings;
import io.octvex.server.database.PgNotificationListener;
import io.octvex.server.identity.WorkspaceAccess;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class EventsConfiguration {
    @Bean
    EventWakeups eventWakeups() {
        return new EventWakeups();
    }

    /** Committed appends, from this replica or any other, wake the streams of their workspace. */
    @Bean
    PgNotificationListener eventNotificationListener(ConnectionSettings settings, EventWakeups wakeups) {
        return new PgNotificationListener(settings, AuditLog.CHANNEL,
                payload -> wakeups.wake(java.util.UUID.fromString(payload)), wakeups::wakeAll);
    }

    @Bean
    EventStreams eventStreams(AuditLog auditLog, WorkspaceAccess access, EventWakeups wakeups,
                              OctvexProperties properties) {
        return new EventStreams(auditLog, access, wakeups, properties);
    }
}
