package io.octvex.server.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provisions an edge by running a configured command (a script that calls a cloud API, a webhook through
 * {@code curl}, …) with, in its environment: {@code OCTVEX_ENROLL_TOKEN}, {@code OCTVEX_SERVER_URL},
 * {@code OCTVEX_EDGE_NAME}, {@code OCTVEX_EDGE_LABELS} ({@code k=v,k=v}), {@code OCTVEX_EDGE_CAPACITY} and
 * {@code OCTVEX_EDGE_ARGS} (the {@code octvex-edge} arguments to use). Exit 0 means started.
 */
final class ExternalBackend implements EdgeBackend {
    private static final Logger log = LoggerFactory.getLogger(ExternalBackend.class);
    static final long TIMEOUT_SECONDS = 120;

    private final List<String> command;

    ExternalBackend(String command) {
        this.command = EdgeBackend.split(command);
    }

    @Override
    public String name() {
        return "external";
    }

    @Override
    public void launch(Launch launch) throws IOException {
        java.nio.file.Path out = java.nio.file.Files.createTempFile("octvex-provision", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        var env = builder.environment();
        EdgeBackend.edgeEnvironment(env, launch.enrollToken());
        env.put("OCTVEX_SERVER_URL", launch.serverUrl());
        env.put("OCTVEX_EDGE_NAME", launch.name());
        env.put("OCTVEX_EDGE_LABELS", String.join(",", launch.labels().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList()));
        env.put("OCTVEX_EDGE_CAPACITY", Integer.toString(launch.capacity()));
        env.put("OCTVEX_EDGE_ARGS", String.join(" ", launch.edgeArgs()));
        Process process = builder.start();
        String output;
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("the external provisioning command did not finish within " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while provisioning edge " + launch.name(), e);
        } finally {
            output = java.nio.file.Files.readString(out, StandardCharsets.UTF_8).strip();
            java.nio.file.Files.deleteIfExists(out);
        }
        if (process.exitValue() != 0) {
            throw new IOException("the external provisioning command failed with " + process.exitValue() + ": "
                    + (output.length() > 500 ? output.substring(0, 500) + "…" : output));
        }
        log.info("Auto-scaler provisioned edge {} through the external command", launch.name());
    }
}
