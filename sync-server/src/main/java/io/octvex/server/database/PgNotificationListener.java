package io.octvex.server.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Holds one dedicated connection that LISTENs on a channel and hands each notification's payload to a
 * callback. After every (re)connection {@code onGap} runs, because anything may have been notified while
 * nobody listened; while the connection is down, the features that rely on it poll.
 */
public final class PgNotificationListener implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(PgNotificationListener.class);

    private final ConnectionSettings settings;
    private final String channel;
    private final Consumer<String> onNotification;
    private final Runnable onGap;
    private volatile boolean running;
    private volatile Thread thread;
    private volatile Connection connection;

    public PgNotificationListener(ConnectionSettings settings, String channel, Consumer<String> onNotification,
                                  Runnable onGap) {
        if (!channel.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a channel name: " + channel);
        }
        this.settings = settings;
        this.channel = channel;
        this.onNotification = onNotification;
        this.onGap = onGap;
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofPlatform().daemon().name("octvex-listen-" + channel).start(this::listen);
    }

    private void listen() {
        while (running) {
            try (Connection c = settings.open()) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + channel);
                }
                onGap.run();
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] batch = pg.getNotifications(5_000);
                    if (batch != null) {
                        for (PGNotification n : batch) {
                            onNotification.accept(n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    log.warn("Notifications on {} interrupted ({}); polling until they are back", channel,
                            e.getMessage());
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
                log.debug("closing the listener connection of {}", channel, e);
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
