package io.octvex.edge;

import java.net.URI;
import java.util.List;
import java.util.function.Supplier;

/** The command line of {@code octvex-edge}. */
record EdgeOptions(URI server, boolean waitUntilInterrupted, boolean help) {

    static final String USAGE = """
            Usage: octvex-edge [--server URL] [--wait]
              --server URL  the sync server to enrol with (default: "url" in $OCTVEX_HOME/run/server.json,
                            else http://127.0.0.1:$OCTVEX_PORT; OCTVEX_HOME defaults to ~/.octvex)
              --wait        keep running until interrupted (Ctrl-C or SIGTERM)
              --help        print this help""";

    /**
     * Parses the arguments; {@code defaultServer} is asked only when {@code --server} is absent.
     *
     * @throws IllegalArgumentException with a message fit for the user
     */
    static EdgeOptions parse(List<String> args, Supplier<URI> defaultServer) {
        URI server = null;
        boolean wait = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                return new EdgeOptions(null, false, true);
            } else if (arg.equals("--wait")) {
                wait = true;
            } else if (arg.equals("--server")) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("--server needs a URL");
                }
                server = ServerLocator.parseServerUrl(args.get(++i));
            } else if (arg.startsWith("--server=")) {
                server = ServerLocator.parseServerUrl(arg.substring("--server=".length()));
            } else {
                throw new IllegalArgumentException("unknown argument: " + arg);
            }
        }
        return new EdgeOptions(server != null ? server : defaultServer.get(), wait, false);
    }
}
