package io.octvex.edge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `./octvex server`'s AOT cache on JDK 25+ (ADR 0043): the launcher's own choice of JVM options, read by sourcing
 * it, and real servers started with them — the first records the cache as it stops, the next loads from it.
 */
class ServerAotCacheIT {
    private static final Path LAUNCHER = Path.of("..", "octvex").toAbsolutePath().normalize();
    private static final String APPLICATION = "io.octvex.server.OctvexServerApplication source: ";

    @TempDir
    Path root;

    @Test
    void aFirstStartRecordsTheCacheAsItStopsTheNextLoadsTheServerFromItAndARebuildRecordsAnew() throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "the AOT cache needs JDK 25+");
        Path jar = Files.copy(Processes.jar("octvex.server.jar"), root.resolve("octvex-server.jar"));
        Path home = root.resolve("home");

        List<String> first = launcherOptions(jar, Runtime.version().feature(), "on");
        Path cache = Path.of(option(first, "-XX:AOTCacheOutput="));
        assertThat(cache.getParent()).isEqualTo(root);
        String firstClasses = startAndStop(home, jar, first, "first");
        assertThat(firstClasses).contains(APPLICATION).doesNotContain(APPLICATION + "shared objects file");
        assertThat(cache).as("written when the server stopped").isNotEmptyFile();
        assertThat(Path.of(cache + ".config")).as("the recording, removed once the cache is made").doesNotExist();

        List<String> second = launcherOptions(jar, Runtime.version().feature(), "on");
        assertThat(option(second, "-XX:AOTCache=")).isEqualTo(cache.toString());
        assertThat(startAndStop(home, jar, second, "second")).contains(APPLICATION + "shared objects file");

        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5))); // a rebuild
        assertThat(option(launcherOptions(jar, Runtime.version().feature(), "on"), "-XX:AOTCacheOutput="))
                .isEqualTo(cache.toString());
        assertThat(cache).as("the stale cache is gone").doesNotExist();
    }

    @Test
    void aCacheCutOffWhileBeingWrittenIsRecordedAnew() throws Exception {
        Path jar = Files.writeString(root.resolve("octvex-server.jar"), "a jar");
        Path cache = cacheTheLauncherWouldUse(jar);

        Files.writeString(Path.of(cache + ".config"), "the recording the JVM had not finished with");
        assertThat(option(launcherOptions(jar, 25, "on"), "-XX:AOTCacheOutput=")).isEqualTo(cache.toString());
        assertThat(cache).doesNotExist();
    }

    @Test
    void octvexServerAotRecordRecordsAgainOverAGoodCache() throws Exception {
        Path jar = Files.writeString(root.resolve("octvex-server.jar"), "a jar");
        Path cache = cacheTheLauncherWouldUse(jar);

        assertThat(option(launcherOptions(jar, 25, "record"), "-XX:AOTCacheOutput=")).isEqualTo(cache.toString());
        assertThat(cache).doesNotExist();
    }

    @Test
    void olderJdksAndOctvexServerAotOffStartWithoutACache() throws Exception {
        Path jar = Files.writeString(root.resolve("octvex-server.jar"), "a jar");
        assertThat(launcherOptions(jar, 21, "on")).isEmpty();
        assertThat(launcherOptions(jar, 25, "off")).isEmpty();
        assertThat(launcherOptions(jar, 25, "on")).anyMatch(o -> o.startsWith("-XX:AOTCacheOutput="));
    }

    /** A file where the launcher records a cache for {@code jar}, written after it: one the launcher then uses. */
    private Path cacheTheLauncherWouldUse(Path jar) throws Exception {
        Path cache = Path.of(option(launcherOptions(jar, 25, "on"), "-XX:AOTCacheOutput="));
        Files.writeString(cache, "a cache");
        Files.setLastModifiedTime(cache, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(option(launcherOptions(jar, 25, "on"), "-XX:AOTCache=")).isEqualTo(cache.toString());
        return cache;
    }

    /** Starts a server with {@code jvm}, waits until it serves, stops it with SIGTERM; returns its class-load log. */
    private String startAndStop(Path home, Path jar, List<String> jvm, String name) throws Exception {
        List<String> options = new ArrayList<>(jvm);
        // %p: the JVM that assembles a cache inherits these options, and must not write over this log
        options.add("-Xlog:class+load=info:file=" + root.resolve(name + "-classes-%p.log"));
        try (Processes.Running server = Processes.startServer(home, jar, options)) {
            Processes.awaitServerUrl(server, home, Duration.ofMinutes(3));
            server.signal("TERM");
            server.awaitExit(Duration.ofMinutes(3)); // the first one writes the cache on its way out
            return Files.readString(root.resolve(name + "-classes-" + server.pid() + ".log"), StandardCharsets.UTF_8);
        }
    }

    /** The JVM options `./octvex server` would start this jar with on a JDK of {@code major}. */
    private List<String> launcherOptions(Path jar, int major, String aot) throws Exception {
        Path javaHome = Path.of(Processes.java()).getParent().getParent();
        Path out = root.resolve("launcher-" + System.nanoTime() + ".out");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", "source \"$1\"; JDK_MAJOR=$2 SERVER_JAR=$3; "
                + "server_aot_options; printf '%s\\n' ${SERVER_JVM[@]+\"${SERVER_JVM[@]}\"}",
                "launcher", LAUNCHER.toString(), Integer.toString(major), jar.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(out.toFile());
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().put("OCTVEX_SERVER_AOT", aot);
        Process launcher = builder.start();
        assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(launcher.exitValue()).isZero();
        return Files.readAllLines(out).stream().filter(line -> !line.isBlank()).toList();
    }

    private static String option(List<String> options, String prefix) {
        return options.stream().filter(o -> o.startsWith(prefix)).map(o -> o.substring(prefix.length()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + prefix + " in " + options));
    }
}
