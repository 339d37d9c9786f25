package io.octvex.desk.unlock;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A private D-Bus session with a real, unlocked gnome-keyring daemon (the Linux Secret Service) in throw-away
 * HOME and XDG folders, started by {@code dbus-run-session -- sh keyring-session.sh}. It lives until closed, so
 * several Desk processes can be started in it one after another and find what an earlier one left in the
 * keyring. (A copy of sync-server's e2e KeyringSession: test classes are not shared between modules.)
 */
final class KeyringSession implements AutoCloseable {
    static final String DAEMON = "gnome-keyring-daemon";
    static final String BUS = "dbus-run-session";
    private static final String PASSWORD = "throw-away keyring password";

    private final Process process;
    private final Path log;
    private final Map<String, String> environment;

    private KeyringSession(Process process, Path log, Map<String, String> environment) {
        this.process = process;
        this.log = log;
        this.environment = environment;
    }

    /** Skips the calling test, saying why, when this machine cannot run a real keyring. */
    static void assumeAvailable() {
        for (String command : new String[] {DAEMON, BUS}) {
            Assumptions.assumeTrue(onPath(command).isPresent(), () -> "'" + command + "' is not installed, so there "
                    + "is no real OS keychain to test against (apt-get install gnome-keyring dbus-daemon; .ci/run "
                    + "installs them)");
        }
    }

    /** A session bus with an unlocked keyring daemon on it. */
    static KeyringSession withKeyring(Path dir) throws Exception {
        return start(dir, "keyring");
    }

    /** A session bus with no Secret Service running on it (D-Bus may still try to activate one). */
    static KeyringSession withoutKeyring(Path dir) throws Exception {
        return start(dir, "no-keyring");
    }

    private static KeyringSession start(Path dir, String mode) throws Exception {
        Files.createDirectories(dir);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", dir.resolve("home").toString());
        env.put("XDG_RUNTIME_DIR", dir.resolve("run").toString());
        env.put("XDG_DATA_HOME", dir.resolve("data").toString());
        env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        for (String folder : env.values()) {
            Files.createDirectories(Path.of(folder));
            Files.setPosixFilePermissions(Path.of(folder), PosixFilePermissions.fromString("rwx------"));
        }
        Path envFile = dir.resolve("session.env");
        Path log = dir.resolve("session.log");
        ProcessBuilder builder = new ProcessBuilder(BUS, "--", "sh", script().toString(), envFile.toString(), mode)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().remove("DBUS_SESSION_BUS_ADDRESS"); // never the machine's own session
        builder.environment().remove("DISPLAY"); // no unlock dialog could ever be answered here
        builder.environment().remove("WAYLAND_DISPLAY");
        builder.environment().put("KEYRING_PASSWORD", PASSWORD);
        Process process = builder.start();
        Instant deadline = Instant.now().plusSeconds(30);
        while (!Files.exists(envFile)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                process.destroyForcibly();
                throw new IllegalStateException("the keyring session did not start:\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        for (String line : Files.readAllLines(envFile)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return new KeyringSession(process, log, Map.copyOf(env));
    }

    /** What a process needs to be in this session: its bus address, the daemon's variables, HOME and XDG dirs. */
    Map<String, String> environment() {
        return environment;
    }

    /** Whether {@code secret-tool} (libsecret-tools) is here to look into the keyring. */
    static boolean canLookUp() {
        return onPath("secret-tool").isPresent();
    }

    /** The keyring entry with these attributes, read with {@code secret-tool}, or empty when it holds none. */
    Optional<String> lookup(String service, String account) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("secret-tool", "lookup", "service", service, "account", account)
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process lookup = builder.start();
        lookup.getOutputStream().close();
        if (!lookup.waitFor(20, TimeUnit.SECONDS)) {
            lookup.destroyForcibly();
            throw new IllegalStateException("secret-tool lookup did not answer within 20 s");
        }
        String out = new String(lookup.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return lookup.exitValue() == 0 && !out.isEmpty() ? Optional.of(out) : Optional.empty();
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    /** Closes the script's stdin: it returns, and dbus-run-session ends the bus and, with it, the daemon. */
    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static Path script() throws URISyntaxException {
        URL url = KeyringSession.class.getResource("/unlock/keyring-session.sh");
        if (url == null) {
            throw new IllegalStateException("unlock/keyring-session.sh is not on the test class path");
        }
        return Path.of(url.toURI());
    }

    private static Optional<Path> onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        try (Stream<String> dirs = Stream.of(path.split(java.io.File.pathSeparator))) {
            return dirs.filter(d -> !d.isEmpty()).map(d -> Path.of(d, command)).filter(Files::isExecutable).findFirst();
        }
    }
}
