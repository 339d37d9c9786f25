package io.octvex.desk.e2e;

import io.octvex.desk.notify.Notifications;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/**
 * A private D-Bus session bus ({@code dbus-daemon --session --nofork --print-address}) with a test
 * notification server on it: it owns {@code org.freedesktop.Notifications}, records every {@code Notify} with
 * the instant it arrived, and can play the user by emitting {@code ActionInvoked}.
 */
final class NotificationServer implements AutoCloseable {
    /** One Notify call as the notification server received it. */
    record Call(int id, String appName, String summary, String body, List<String> actions,
                Map<String, Variant<?>> hints, Instant arrivedAt) {}

    private final Process daemon;
    private final String address;
    private final DBusConnection connection;
    final List<Call> calls = new CopyOnWriteArrayList<>();
    final LinkedBlockingQueue<Call> arrivals = new LinkedBlockingQueue<>();
    final List<Integer> closed = new CopyOnWriteArrayList<>();

    private NotificationServer(Process daemon, String address, DBusConnection connection) {
        this.daemon = daemon;
        this.address = address;
        this.connection = connection;
    }

    /** Whether dbus-daemon is on the PATH (CI installs it: .ci/run). */
    static boolean available() {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "dbus-daemon")));
    }

    static NotificationServer start(Path dir) throws Exception {
        Files.createDirectories(dir);
        Process daemon = new ProcessBuilder("dbus-daemon", "--session", "--nofork", "--print-address",
                "--address=unix:path=" + dir.resolve("bus")).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        var out = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8));
        String address = out.readLine();
        if (address == null || address.isBlank()) {
            daemon.destroyForcibly();
            throw new IllegalStateException("dbus-daemon printed no address");
        }
        DBusConnection connection = DBusConnectionBuilder.forAddress(address.strip()).withShared(false).build();
        var server = new NotificationServer(daemon, address.strip(), connection);
        connection.requestBusName(Notifications.BUS_NAME);
        connection.exportObject(Notifications.OBJECT_PATH, server.new Service());
        return server;
    }

    String address() {
        return address;
    }

    /** Waits for the next Notify call. */
    Call next(long seconds) throws InterruptedException {
        Call call = arrivals.poll(seconds, TimeUnit.SECONDS);
        if (call == null) {
            throw new AssertionError("no Notify call within " + seconds + " s");
        }
        return call;
    }

    /** The user picks {@code actionKey} on notification {@code id}. */
    void invoke(int id, String actionKey) throws Exception {
        connection.sendMessage(new Notifications.ActionInvoked(Notifications.OBJECT_PATH, new UInt32(id), actionKey));
    }

    private final class Service implements Notifications {
        private final AtomicInteger ids = new AtomicInteger();

        @Override
        public UInt32 Notify(String appName, UInt32 replacesId, String appIcon, String summary, String body,
                             List<String> actions, Map<String, Variant<?>> hints, int expireTimeout) {
            Instant at = Instant.now();
            var call = new Call(ids.incrementAndGet(), appName, summary, body, List.copyOf(actions), Map.copyOf(hints), at);
            calls.add(call);
            arrivals.add(call);
            return new UInt32(call.id());
        }

        @Override
        public void CloseNotification(UInt32 id) {
            closed.add(id.intValue());
        }

        @Override
        public List<String> GetCapabilities() {
            return List.of("actions", "body");
        }

        @Override
        public String getObjectPath() {
            return OBJECT_PATH;
        }
    }

    @Override
    public void close() throws IOException {
        connection.close();
        daemon.destroy();
    }
}
