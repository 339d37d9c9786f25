package io.octvex.desk.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ./octvex pair}'s refusals before and at the server: a sentence and an exit status, never a trace. */
class PairCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return PairCommand.run(args, env, null, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String said() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anUnknownArgumentIsAUsageError() {
        assertThat(run(Map.of(), "--bogus")).isEqualTo(2);
        assertThat(said()).contains("unknown argument: --bogus").contains("Usage: ./octvex pair");
        assertThat(out.size()).isZero();
    }

    @Test
    void withoutATerminalItSaysHowToNameTheUserAndPassword() {
        assertThat(run(Map.of(), "--server", "http://127.0.0.1:9")).isEqualTo(2);
        assertThat(said()).contains("give --as USERNAME or set OCTVEX_USER");
        err.reset();
        assertThat(run(Map.of("OCTVEX_USER", "admin"), "--server", "http://127.0.0.1:9")).isEqualTo(2);
        assertThat(said()).contains("set OCTVEX_PASSWORD");
    }

    @Test
    void aServerThatIsNotThereIsASentence() throws Exception {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        int status = run(Map.of("OCTVEX_USER", "admin", "OCTVEX_PASSWORD", "canary-password-7"),
                "--server", "http://127.0.0.1:" + port);
        assertThat(status).isEqualTo(1);
        assertThat(said()).contains("Cannot reach the server").doesNotContain("canary-password-7")
                .doesNotContain("Exception");
    }
}
