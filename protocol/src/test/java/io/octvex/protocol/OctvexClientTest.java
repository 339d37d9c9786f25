package io.octvex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a loopback HTTP server that answers as the Octvex server does. */
class OctvexClientTest {
    HttpServer server;
    AtomicReference<String> seenAuthorization = new AtomicReference<>();
    AtomicReference<String> seenProtocol = new AtomicReference<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/me", exchange -> {
            seenAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            seenProtocol.set(exchange.getRequestHeaders().getFirst(ProtocolVersion.HEADER));
            byte[] body = "{\"type\":\"about:blank\",\"title\":\"Authentication required\",\"status\":401,\"detail\":\"token expired\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
            exchange.sendResponseHeaders(401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void sendsTokenAndProtocolAndTurnsProblemsIntoExceptions() {
        OctvexClient client = OctvexClient.connect("http://127.0.0.1:" + server.getAddress().getPort() + "/")
                .withToken("ovx_abc");
        assertThatThrownBy(client::me).isInstanceOfSatisfying(OctvexApiException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.problem().detail()).isEqualTo("token expired");
        });
        assertThat(seenAuthorization.get()).isEqualTo("Bearer ovx_abc");
        assertThat(seenProtocol.get()).isEqualTo(Integer.toString(ProtocolVersion.CURRENT));
    }

    @Test
    void anUnreachableServerIsReportedAsSuch() {
        int port = server.getAddress().getPort();
        server.stop(0);
        assertThatThrownBy(() -> OctvexClient.connect("http://127.0.0.1:" + port).me())
                .isInstanceOf(OctvexConnectionException.class).hasMessageContaining("cannot reach");
    }
}
