package io.octvex.desk.unlock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keychain method against a real gnome-keyring on a private D-Bus session (java-keyring's Secret Service
 * backend, no fakes), each step a Desk process of its own: the key-encryption key lands in the keyring, a new
 * process opens the store with it, and the value never shows in the file or the output. Without a bus, or with a
 * bus but no unlocked keyring, the probe says why, in time.
 */
class KeychainStoreIT {
    @TempDir
    Path dir;

    @Test
    void theKeyringHoldsTheKeyAndANewProcessOpensTheStore() throws Exception {
        KeyringSession.assumeAvailable();
        String value = "oct_canary_" + UUID.randomUUID();
        Path data = dir.resolve("desk");
        try (KeyringSession session = KeyringSession.withKeyring(dir.resolve("session"))) {
            String check = run(session.environment(), "check", data);
            assertThat(check).as(session.output()).contains("check: true");
            String setup = run(session.environment(), "setup", data, value);
            assertThat(setup).startsWith("setup: ok ");
            String storeId = setup.strip().substring("setup: ok ".length());
            if (KeyringSession.canLookUp()) {
                String kek = session.lookup("octvex", "desk-key " + storeId).orElseThrow(() -> new AssertionError(
                        "the keyring holds no entry 'desk-key " + storeId + "'"));
                assertThat(Base64.getDecoder().decode(kek.strip())).hasSize(32);
                assertThat(Files.readString(data.resolve(DeskVault.FILE_NAME))).doesNotContain(kek.strip());
                assertThat(session.lookup("octvex", "probe desk-key")).as("the probe's entry is deleted").isEmpty();
            }
            assertThat(Files.readString(data.resolve(DeskVault.FILE_NAME))).doesNotContain(value);

            String open = run(session.environment(), "open", data);
            System.out.println("KeychainStoreIT: " + check.strip());
            assertThat(open).isEqualTo("open: value of " + value.length() + " chars\n");
            assertThat(check + setup + open).doesNotContain(value);
        }
    }

    @Test
    void noSessionBusFallsBackWithASentence() throws Exception {
        String check = run(Map.of("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + dir.resolve("no-bus"),
                "HOME", dir.toString(), "NO_KEYRING", "1"), "check", dir.resolve("desk"));
        assertThat(check).startsWith("check: false in ")
                .contains("The OS keychain cannot be used: the keychain failed a write: BackendNotSupportedException");
        String setup = run(Map.of("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + dir.resolve("no-bus"), "NO_KEYRING", "1"), "setup",
                dir.resolve("desk"), "value");
        assertThat(setup).contains("setup: refused: The OS keychain cannot be used").contains("Choose a passphrase instead");
        assertThat(dir.resolve("desk").resolve(DeskVault.FILE_NAME)).doesNotExist();
    }

    @Test
    void aBusWithNoUnlockedKeyringFallsBackWithinTheTimeout() throws Exception {
        KeyringSession.assumeAvailable();
        try (KeyringSession session = KeyringSession.withoutKeyring(dir.resolve("session"))) {
            Map<String, String> env = new java.util.HashMap<>(session.environment());
            env.put("NO_KEYRING", "1");
            String check = run(env, "check", dir.resolve("desk"));
            assertThat(check).startsWith("check: false in ").contains("The OS keychain cannot be used: the keychain");
            long millis = Long.parseLong(check.substring("check: false in ".length(), check.indexOf(" ms")));
            assertThat(millis).as(check).isLessThan(3 * 5_000 + 2_000); // write, read back, delete: 5 s each at most
        }
    }

    @Test
    void aSecretServiceThatNeverAnswersIsGivenUpWithinTheBound() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.util.stream.Stream.of(System.getenv()
                .getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "dbus-daemon"))), "dbus-daemon is not installed");
        Files.createDirectories(dir.resolve("bus"));
        Process daemon = new ProcessBuilder("dbus-daemon", "--session", "--nofork", "--print-address",
                "--address=unix:path=" + dir.resolve("bus/socket")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        try {
            String address = new java.io.BufferedReader(new java.io.InputStreamReader(daemon.getInputStream(),
                    StandardCharsets.UTF_8)).readLine().strip();
            try (var bus = org.freedesktop.dbus.connections.impl.DBusConnectionBuilder.forAddress(address)
                    .withShared(false).build()) {
                // the Secret Service's name is taken, and its OpenSession never returns: a hung keyring daemon
                bus.requestBusName("org.freedesktop.secrets");
                bus.exportObject("/org/freedesktop/secrets", new HungSecretService() {
                    @Override
                    public org.freedesktop.dbus.types.Variant<?> OpenSession(String algorithm,
                                                                           org.freedesktop.dbus.types.Variant<?> input) {
                        asked.incrementAndGet();
                        try {
                            never.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        throw new IllegalStateException("released at the end of the test");
                    }
                });
                String check = run(Map.of("DBUS_SESSION_BUS_ADDRESS", address, "NO_KEYRING", "1"), "check",
                        dir.resolve("desk"));
                System.out.println("KeychainStoreIT (hung Secret Service): " + check.strip());
                // whichever gives up first, java-keyring's own reply timeout (then: no backend) or the Desk's 5 s
                // bound, the probe ends in time with a sentence; and the hung method really was called
                assertThat(asked.get()).as("OpenSession was called").isPositive();
                assertThat(check).startsWith("check: false in ").containsAnyOf(
                        "did not answer a write within 5000 ms", "failed a write: BackendNotSupportedException");
                long millis = Long.parseLong(check.substring("check: false in ".length(), check.indexOf(" ms")));
                assertThat(millis).as(check).isLessThan(8_000L);
                never.countDown();
            }
        } finally {
            never.countDown();
            daemon.destroy();
            daemon.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** What java-keyring's Secret Service backend calls first; the test's implementation never answers. */
    @org.freedesktop.dbus.annotations.DBusInterfaceName("org.freedesktop.Secret.Service")
    public interface HungSecretService extends org.freedesktop.dbus.interfaces.DBusInterface {
        org.freedesktop.dbus.types.Variant<?> OpenSession(String algorithm, org.freedesktop.dbus.types.Variant<?> input);

        @Override
        default String getObjectPath() {
            return "/org/freedesktop/secrets";
        }
    }

    /**
     * One Desk process with {@code env} (and no other bus), its output once it ends. The keychain's bound is the
     * Desk's own 10 s where the keyring should answer (a first call in a cold JVM on a loaded machine is slow:
     * class loading, the bus handshake, the Secret Service's key exchange), 5 s where it cannot.
     */
    private static String run(Map<String, String> env, String... args) throws Exception {
        boolean answers = !env.containsKey("NO_KEYRING");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dkeychain.timeout.seconds=" + (answers ? 10 : 5), "-cp", System.getProperty("java.class.path"),
                KeychainChild.class.getName()));
        for (String a : args) {
            command.add(a);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
        builder.environment().remove("DBUS_SESSION_BUS_ADDRESS");
        builder.environment().remove("DISPLAY");
        builder.environment().remove("WAYLAND_DISPLAY");
        builder.environment().putAll(env);
        builder.environment().remove("NO_KEYRING");
        builder.redirectError(ProcessBuilder.Redirect.DISCARD); // slf4j's no-provider notice
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the Desk process did not end within 90 s");
        }
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String run(Map<String, String> env, String step, Path data, String... more) throws Exception {
        String[] args = new String[2 + more.length];
        args[0] = step;
        args[1] = data.toString();
        System.arraycopy(more, 0, args, 2, more.length);
        return run(env, args);
    }
}
