package io.octvex.edge;

import io.octvex.edge.client.EdgeClient;
import io.octvex.edge.browser.BrowserConfig;
import io.octvex.edge.browser.BrowserHandler;
import io.octvex.edge.handler.Handler;
import io.octvex.edge.http.HttpHandler;
import io.octvex.edge.http.LeasedCredentialHeaders;
import io.octvex.edge.identity.EdgeIdentity;
import io.octvex.edge.identity.Enrolment;
import io.octvex.edge.identity.IdentityFile;
import io.octvex.edge.lease.Edge;
import io.octvex.edge.mcp.McpHandler;
import io.octvex.edge.noop.NoopHandler;
import io.octvex.protocol.EdgeState;
import io.octvex.protocol.EdgeView;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.OctvexConnectionException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code octvex-edge} process: enrols (once) or loads its identity, then runs an {@link Edge} until it is
 * drained (SIGTERM/Ctrl-C or the server), revoked (exit 3) or cannot start (exit 1).
 */
public final class EdgeMain {
    static final int EXIT_OK = 0;
    static final int EXIT_CANNOT_START = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_REFUSED = 3;

    private final PrintStream err;

    private EdgeMain(PrintStream err) {
        this.err = err;
    }

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format",
                    "%1$tF %1$tT.%1$tL %4$-7s %5$s%6$s%n");
        }
        System.exit(new EdgeMain(System.err).run(List.of(args)));
    }

    int run(List<String> args) {
        EdgeOptions options;
        ServerLocator locator;
        try {
            locator = ServerLocator.fromEnvironment();
            options = EdgeOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            say(e.getMessage());
            err.println(EdgeOptions.USAGE);
            return EXIT_USAGE;
        }
        if (options.help()) {
            System.out.println(EdgeOptions.USAGE);
            return EXIT_OK;
        }
        Path home = options.home() != null ? options.home() : locator.home();
        IdentityFile store = new IdentityFile(home);
        List<Handler> handlers = handlers(home);
        EdgeIdentity identity;
        try {
            identity = store.load().orElse(null);
        } catch (IllegalStateException e) {
            say(e.getMessage());
            return EXIT_CANNOT_START;
        }

        if (options.enrollToken() != null) {
            if (identity != null) {
                say("this edge is already enrolled as " + identity.edgeId() + " (" + identity.name() + ") with "
                        + identity.server() + "; its identity is in " + store.file() + ".\n"
                        + "  To start it, run without --enroll. To enrol it anew, stop it, delete that file and "
                        + "run with --enroll again.");
                return EXIT_CANNOT_START;
            }
            URI server = options.server() != null ? options.server() : defaultServer(locator);
            if (server == null) {
                return EXIT_CANNOT_START;
            }
            identity = enrol(server, options, handlers, store);
            if (identity == null) {
                return EXIT_CANNOT_START;
            }
            if (options.enrollOnly()) {
                return EXIT_OK;
            }
        } else if (identity == null) {
            say("this edge is not enrolled (no " + store.file() + ").\n"
                    + "  Ask a workspace admin for an enrolment token (POST /api/v1/workspaces/{ws}/edges/enrollments,"
                    + " or the Desk's Fleet view), then run:\n"
                    + "    octvex edge --server URL --enroll TOKEN [--name NAME] [--label KEY=VALUE]...\n"
                    + "  Later starts reuse the stored identity: octvex edge [--server URL]");
            return EXIT_CANNOT_START;
        }

        URI server = options.server() != null ? options.server() : identity.server();
        if (!server.equals(identity.server())) {
            say("enrolled with " + identity.server() + ", now talking to " + server);
        }
        Integer check = checkIdentity(identity, server, options.waitUntilInterrupted());
        if (check != null) {
            return check;
        }

        int capacity = options.capacity() != null ? options.capacity() : identity.slots();
        Edge edge = Edge.builder(identity).server(server).handlers(handlers)
                .workRoot(home.resolve("edge").resolve("work"))
                .drainTimeout(options.drainTimeout())
                .capacity(capacity)
                .prefetch(options.prefetch() != null ? options.prefetch() : Edge.mostPrefetch(capacity))
                .build();
        Signals.onStop(edge::drain);
        edge.start();
        Edge.Stop stop = edge.stopped().join();
        edge.close();
        return stop == Edge.Stop.REVOKED ? EXIT_REFUSED : EXIT_OK;
    }

    /**
     * The handlers this process runs: {@code http}, {@code noop}, {@code mcp}, {@code browser} when a browser is usable,
     * and any registered as services. Only these are advertised as capabilities, so placement never sends a
     * browser step to an edge without a browser. {@code home} holds the browser sandboxes ({@code home/edge});
     * the Desk's bundled edge passes its own data folder.
     */
    public static List<Handler> handlers(Path home) {
        Map<String, Handler> byName = new LinkedHashMap<>();
        byName.put(HttpHandler.NAME, new HttpHandler(new LeasedCredentialHeaders()));
        byName.put(NoopHandler.NAME, new NoopHandler());
        byName.put(McpHandler.NAME, new McpHandler(new LeasedCredentialHeaders()));
        browser(home).ifPresent(h -> byName.put(h.name(), h));
        for (var provider : ServiceLoader.load(Handler.class).stream().toList()) {
            try {
                Handler handler = provider.get();
                byName.putIfAbsent(handler.name(), handler);
            } catch (java.util.ServiceConfigurationError | RuntimeException e) {
                System.getLogger(EdgeMain.class.getName()).log(System.Logger.Level.WARNING,
                        "handler " + provider.type().getName() + " is not available: " + e.getMessage());
            }
        }
        return new ArrayList<>(byName.values());
    }

    private static java.util.Optional<Handler> browser(Path home) {
        System.Logger log = System.getLogger(EdgeMain.class.getName());
        try {
            Map<String, String> env = new java.util.HashMap<>(System.getenv());
            env.put("OCTVEX_HOME", home.toString());
            BrowserConfig config = BrowserConfig.fromEnvironment(env, Path.of(System.getProperty("user.home")));
            if (config.defaultProvider().equals("local") && !java.nio.file.Files.isExecutable(config.chromiumExecutable())) {
                log.log(System.Logger.Level.INFO, "browser steps are off: no Chromium at " + config.chromiumExecutable()
                        + " (install the 'chromium' package, or set OCTVEX_BROWSER_EXECUTABLE or a remote provider)");
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new BrowserHandler(config));
        } catch (IllegalArgumentException e) {
            log.log(System.Logger.Level.WARNING, "browser steps are off: " + e.getMessage());
            return java.util.Optional.empty();
        }
    }

    private URI defaultServer(ServerLocator locator) {
        try {
            return locator.defaultServerUrl();
        } catch (IllegalStateException e) {
            say(e.getMessage());
            return null;
        }
    }

    private EdgeIdentity enrol(URI server, EdgeOptions options, List<Handler> handlers, IdentityFile store) {
        Map<String, String> labels = new LinkedHashMap<>(Enrolment.defaultLabels());
        labels.putAll(options.labels());
        String name = options.name() != null ? options.name() : labels.getOrDefault("host", Enrolment.hostname());
        int capacity = options.capacity() != null ? options.capacity() : EdgeOptions.DEFAULT_CAPACITY;
        var request = new Enrolment.Request(name, labels, handlers.stream().map(Handler::name).toList(), capacity,
                version());
        int attempt = 0;
        while (true) {
            try {
                EdgeIdentity identity = Enrolment.enrol(server, options.enrollToken(), request, Clock.systemUTC());
                store.save(identity);
                say("enrolled as edge " + identity.edgeId() + " (" + name + ") in workspace(s) "
                        + identity.workspaceIds() + "; identity stored in " + store.file());
                return identity;
            } catch (OctvexApiException e) {
                if (e.status() == 503 && options.waitUntilInterrupted()) { // its database is restarting
                    if (attempt++ == 0) {
                        say(e.getMessage() + "; waiting for it");
                    }
                    sleep(e.retryAfter().filter(d -> d.compareTo(Duration.ofSeconds(10)) <= 0)
                            .orElse(Duration.ofSeconds(3)));
                    continue;
                }
                say("the server refused the enrolment: " + (e.problem().detail() != null ? e.problem().detail()
                        : e.getMessage()) + "\n  Ask an admin for a fresh enrolment token.");
                return null;
            } catch (OctvexConnectionException e) {
                if (!options.waitUntilInterrupted()) {
                    say(e.getMessage() + "\n  Is the server running? (--wait keeps trying)");
                    return null;
                }
                if (attempt++ == 0) {
                    say(e.getMessage() + "; waiting for it");
                }
                // a server being (re)started answers within seconds: look every 1-3 s, spread over a fleet
                sleep(Duration.ofMillis(500 + java.util.concurrent.ThreadLocalRandom.current().nextLong(
                        Math.min(2500, 500L << Math.min(attempt, 3)))));
            } catch (RuntimeException e) {
                say("cannot store the edge identity: " + e.getMessage());
                return null;
            }
        }
    }

    /** Asks the server who we are: null to go on, else the exit code. */
    private Integer checkIdentity(EdgeIdentity identity, URI server, boolean wait) {
        EdgeClient client = EdgeClient.authenticated(server, identity.edgeToken());
        try {
            EdgeView me = client.me();
            if (me.state() == EdgeState.REVOKED) {
                say("the server lists edge " + identity.edgeId() + " as revoked; enrol again with --enroll TOKEN");
                return EXIT_REFUSED;
            }
            return null;
        } catch (OctvexApiException e) {
            if (e.status() == 401) {
                say("the server refused this edge's credentials (401): edge " + identity.edgeId()
                        + " was revoked or is unknown at " + server + ".\n  Delete " + "the identity file and enrol "
                        + "again with --enroll TOKEN.");
                return EXIT_REFUSED;
            }
            say("the server answered " + e.getMessage() + "; starting anyway");
            return null;
        } catch (OctvexConnectionException e) {
            if (wait) {
                say(e.getMessage() + "; will keep trying");
                return null;
            }
            say(e.getMessage() + "\n  Is the server running? (--wait keeps trying)");
            return EXIT_CANNOT_START;
        }
    }

    /** {@code octvex-edge/<version>}, as an edge reports itself at enrolment. */
    public static String version() {
        String v = EdgeMain.class.getPackage().getImplementationVersion();
        return "octvex-edge/" + (v != null ? v : "dev");
    }

    private void say(String message) {
        err.println("octvex-edge: " + message);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM and Ctrl-C drain the edge; a second one ends the process at once. */
    static final class Signals {
        private Signals() {}

        static void onStop(Runnable drain) {
            AtomicInteger count = new AtomicInteger();
            boolean installed = false;
            for (String name : List.of("TERM", "INT")) {
                try {
                    sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                        if (count.incrementAndGet() == 1) {
                            System.err.println("octvex-edge: SIG" + name + ": draining (again to stop at once)");
                            drain.run();
                        } else {
                            Runtime.getRuntime().halt(128 + signal.getNumber());
                        }
                    });
                    installed = true;
                } catch (IllegalArgumentException | LinkageError e) {
                    // this platform has no such signal, or no sun.misc: fall back to a shutdown hook
                }
            }
            if (!installed) {
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(drain));
            }
        }
    }
}
