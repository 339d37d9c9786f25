package io.octvex.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import io.octvex.protocol.Json;

/**
 * Publishes where this server listens in {@code <home>/run/server.json}, so the launcher, a local edge and
 * the Desk find it without being told. Written once the application is ready (first-start work done), so
 * whoever sees the file can use the server at once. Removed again on a clean shutdown.
 */
@Component
class ServerInfoFile {
    private static final Logger log = LoggerFactory.getLogger(ServerInfoFile.class);
    private final Path file;
    private final Environment environment;

    ServerInfoFile(OctvexProperties properties, Environment environment) {
        this.file = properties.home().resolve("run").resolve("server.json");
        this.environment = environment;
    }

    private volatile int port;

    @EventListener
    void listening(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getParent() == null) { // a management context is not the API
            port = event.getWebServer().getPort();
        }
    }

    @EventListener
    void ready(ApplicationReadyEvent event) {
        String address = environment.getProperty("server.address", "127.0.0.1");
        String host = address.equals("0.0.0.0") || address.equals("::") ? "127.0.0.1" : address;
        String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("server.json.tmp");
            Files.writeString(tmp, Json.write(Map.of("url", url, "pid", ProcessHandle.current().pid())));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("Could not write {}: {}", file, e.getMessage());
        }
        log.info("Octvex server listening at {}", url);
    }

    @EventListener
    void stopped(ContextClosedEvent event) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.debug("Could not remove {}", file, e);
        }
    }
}
