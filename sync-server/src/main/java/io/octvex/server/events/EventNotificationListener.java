package io.octvex.server.events;

import io.octvex.server.audit.AuditLog;
import io.octvex.server.database.ConnectionSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Holds one dedicated connection that LISTENs for committed appends, from this replica or any other, and
 * wakes the matching streams. If the connection drops, streams fall back to polling until it is back.
 */
final class EventNotificationListener implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(EventNotificationListener.class);

    private final ConnectionSettings settings;
    private final EventWakeups wakeups;
    private volatile boolean running;
    private volatile Thread thread;
    private volatile Connection connection;

    EventNotificationListener(ConnectionSettings settings, EventWakeups wakeups) {
        this.settings = settings;
        this.wakeups = wakeups;
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofPlatform().daemon().name("octvex-event-listener").start(this::listen);
    }

    private void listen() {
        while (running) {
            try (Connection c = settings.open()) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + AuditLog.CHANNEL);
                }
                wakeups.wakeAll(); // anything committed while we were not listening
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] batch = pg.getNotifications(5_000);
                    if (batch != null) {
                        for (PGNotification n : batch) {
                            wakeups.wake(UUID.fromString(n.getParameter()));
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    log.warn("Event notifications interrupted ({}); streams poll until they are back", e.getMessage());
                    pause();
                }
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void stop() {
        running = false;
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                log.debug("closing the listener connection", e);
            }
        }
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
