package io.octvex.server.fleet;

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
import org.springframework.stereotype.Component;

/**
 * Holds one dedicated connection that LISTENs on {@value #CHANNEL}, where a trigger on {@code steps} (V030)
 * announces, once per workspace and transaction, that steps became queued, on this replica or any other.
 * While the connection is down, waiting lease requests fall back to polling.
 */
@Component
class StepNotificationListener implements SmartLifecycle {
    static final String CHANNEL = "octvex_steps";
    private static final Logger log = LoggerFactory.getLogger(StepNotificationListener.class);

    private final ConnectionSettings settings;
    private final StepWakeups wakeups;
    private volatile boolean running;
    private volatile Thread thread;
    private volatile Connection connection;

    StepNotificationListener(ConnectionSettings settings, StepWakeups wakeups) {
        this.settings = settings;
        this.wakeups = wakeups;
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofPlatform().daemon().name("octvex-step-listener").start(this::listen);
    }

    private void listen() {
        while (running) {
            try (Connection c = settings.open()) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                wakeups.wakeAll();
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] batch = pg.getNotifications(5_000);
                    if (batch != null) {
                        for (PGNotification n : batch) {
                            try {
                                wakeups.wake(UUID.fromString(n.getParameter()));
                            } catch (IllegalArgumentException e) {
                                wakeups.wakeAll();
                            }
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    log.warn("Step notifications interrupted ({}); lease requests poll until they are back",
                            e.getMessage());
                    try {
                        Thread.sleep(2_000);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        running = false;
                    }
                }
            }
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
                log.debug("closing the step listener connection", e);
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
