package io.octvex.server.fleet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Where the auto-scaler gets edges from. An edge it provisions enrols with a fresh single-use token that is
 * always passed in the environment ({@code OCTVEX_ENROLL_TOKEN}), never on a command line.
 */
interface EdgeBackend extends AutoCloseable {

    /** One edge to start: it enrols at {@code serverUrl} as {@code name} with these labels and capacity. */
    record Launch(String name, String enrollToken, String serverUrl, Map<String, String> labels, int capacity) {
        /** The {@code octvex-edge} arguments (no token: it is in the environment). */
        List<String> edgeArgs() {
            List<String> args = new ArrayList<>(List.of("--server", serverUrl, "--wait", "--name", name));
            labels.forEach((k, v) -> args.addAll(List.of("--label", k + "=" + v)));
            args.addAll(List.of("--capacity", Integer.toString(capacity)));
            return args;
        }

        @Override
        public String toString() {
            return "Launch[name=" + name + ", serverUrl=" + serverUrl + ", labels=" + labels + ", capacity="
                    + capacity + "]";
        }
    }

    String name();

    /** Starts one edge; returns once it is started (not enrolled). */
    void launch(Launch launch) throws IOException;

    /** False once the backend knows the edge it launched under {@code name} is gone; true when it cannot tell. */
    default boolean alive(String name) {
        return true;
    }

    /** Forgets edges that ended (called every tick). */
    default void reap() {}

    @Override
    default void close() {}

    /** A configured command split at white space (no quoting). */
    static List<String> split(String command) {
        return Arrays.stream(command.strip().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * The environment of an edge started from the server: none of the server's own {@code OCTVEX_*} settings
     * (home, port, admin password, database), except the edge-side browser settings, plus the token.
     */
    static void edgeEnvironment(Map<String, String> env, String enrollToken) {
        env.keySet().removeIf(k -> k.startsWith("OCTVEX_") && !k.startsWith("OCTVEX_BROWSER")
                && !k.startsWith("OCTVEX_CLOUDFLARE"));
        env.put("OCTVEX_ENROLL_TOKEN", enrollToken);
    }
}
