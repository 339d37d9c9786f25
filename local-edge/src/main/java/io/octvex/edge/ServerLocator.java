package io.octvex.edge;

import io.octvex.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the sync server a local process should talk to.
 *
 * <p>The server advertises itself in {@code $OCTVEX_HOME/run/server.json} ({@code {"url": …, "pid": …}})
 * while it runs; {@code OCTVEX_HOME} defaults to {@code ~/.octvex}. Without that file the default is
 * {@code http://127.0.0.1:$OCTVEX_PORT} (port 7700 unless set), the address a default server binds to.
 */
public final class ServerLocator {
    public static final int DEFAULT_PORT = 7700;

    private final Path home;
    private final String port;

    ServerLocator(Map<String, String> env, Path userHome) {
        String configuredHome = blankToNull(env.get("OCTVEX_HOME"));
        this.home = configuredHome != null ? Path.of(configuredHome) : userHome.resolve(".octvex");
        String configuredPort = blankToNull(env.get("OCTVEX_PORT"));
        this.port = configuredPort != null ? configuredPort : String.valueOf(DEFAULT_PORT);
    }

    /** A locator for this process: its environment and {@code user.home}. */
    public static ServerLocator fromEnvironment() {
        return new ServerLocator(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** The Octvex home directory ({@code $OCTVEX_HOME}, else {@code ~/.octvex}). */
    public Path home() {
        return home;
    }

    /** Where a running server advertises its URL and pid. */
    public Path serverFile() {
        return home.resolve("run").resolve("server.json");
    }

    /**
     * The server advertised in {@link #serverFile()}, or empty when there is none.
     *
     * @throws IllegalStateException if the file exists but cannot be read or holds no usable URL
     */
    public Optional<AdvertisedServer> advertised() {
        Path file = serverFile();
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            var node = Json.tree(text);
            var url = node.path("url");
            if (!url.isString()) {
                throw new IllegalStateException(file + " has no \"url\" field");
            }
            var pid = node.path("pid");
            return Optional.of(new AdvertisedServer(
                    parseServerUrl(url.asString()), pid.canConvertToLong() ? pid.asLong() : -1));
        } catch (IllegalArgumentException | tools.jackson.core.JacksonException e) {
            throw new IllegalStateException(file + " is not a valid server file: " + e.getMessage(), e);
        }
    }

    /** The advertised server's URL if a server file exists, else the local default. */
    public URI defaultServerUrl() {
        return advertised().map(AdvertisedServer::url).orElseGet(this::localDefault);
    }

    URI localDefault() {
        return parseServerUrl("http://127.0.0.1:" + port);
    }

    /**
     * Parses a server base URL: absolute {@code http} or {@code https} with a host, no query or fragment.
     * A trailing slash is dropped so that API paths can be appended.
     *
     * @throws IllegalArgumentException with a message fit for the user when the text is not such a URL
     */
    public static URI parseServerUrl(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + text, e);
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("server URL must start with http:// or https://: " + text);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("server URL has no host: " + text);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("server URL must not have a query or fragment: " + text);
        }
        String s = uri.toString();
        return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** A server as advertised in its server file; {@code pid} is -1 when the file does not say. */
    public record AdvertisedServer(URI url, long pid) {
        /** False when the file names a process that is no longer running (left behind by a crash). */
        public boolean running() {
            return pid < 0 || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }
}
