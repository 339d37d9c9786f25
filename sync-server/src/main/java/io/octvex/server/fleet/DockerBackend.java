package io.octvex.server.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each edge as a container through the docker CLI:
 * {@code docker run -d --rm --name NAME --label octvex.autoscaled=ID [--network N] -e OCTVEX_ENROLL_TOKEN IMAGE
 * --server URL --wait --name NAME --label … --capacity N}. The token is in the CLI's environment and
 * {@code -e OCTVEX_ENROLL_TOKEN} (no value) passes it on, so it is on no command line. The container removes
 * itself when the edge exits (after a drain).
 */
final class DockerBackend implements EdgeBackend {
    private static final Logger log = LoggerFactory.getLogger(DockerBackend.class);
    static final long RUN_TIMEOUT_SECONDS = 120;

    private final String docker;
    private final String image;
    private final String network;
    private final String pathVariable;

    DockerBackend(String docker, String image, String network, String pathVariable) {
        this.docker = docker;
        this.image = image;
        this.network = network == null || network.isBlank() ? null : network.strip();
        this.pathVariable = pathVariable == null ? "" : pathVariable;
    }

    @Override
    public String name() {
        return "docker";
    }

    /** The {@code docker run} command line for one edge, starting with the resolved docker binary. */
    List<String> commandLine(String dockerBinary, Launch launch) {
        List<String> line = new ArrayList<>(List.of(dockerBinary, "run", "-d", "--rm", "--name", launch.name()));
        launch.labels().forEach((k, v) -> line.addAll(List.of("--label", k + "=" + v)));
        if (network != null) {
            line.addAll(List.of("--network", network));
        }
        line.addAll(List.of("-e", "OCTVEX_ENROLL_TOKEN", image));
        line.addAll(launch.edgeArgs());
        return line;
    }

    /** The docker CLI: the configured path, or looked up on PATH; a clear error when there is none. */
    String resolveDocker() {
        if (docker.contains("/")) {
            if (Files.isExecutable(Path.of(docker))) {
                return docker;
            }
            throw new IllegalStateException("the docker backend needs the docker CLI, but '" + docker
                    + "' is not an executable file; install docker or set octvex.fleet.autoscaler.docker");
        }
        for (String dir : pathVariable.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, docker))) {
                return Path.of(dir, docker).toString();
            }
        }
        throw new IllegalStateException("the docker backend needs the docker CLI, but '" + docker
                + "' was not found on PATH; install docker or set octvex.fleet.autoscaler.docker to its path");
    }

    @Override
    public void launch(Launch launch) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(commandLine(resolveDocker(), launch)).redirectErrorStream(true);
        EdgeBackend.edgeEnvironment(builder.environment(), launch.enrollToken());
        Process process = builder.start();
        try {
            if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("docker run for edge " + launch.name() + " did not finish within "
                        + RUN_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting edge " + launch.name(), e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.exitValue() != 0) {
            throw new IOException("docker run for edge " + launch.name() + " failed with " + process.exitValue()
                    + ": " + output);
        }
        log.info("Auto-scaler started edge {} as container {}", launch.name(), output);
    }
}
