package io.octvex.desk;

import io.octvex.edge.ServerLocator;
import java.net.URI;
import java.util.Arrays;
import java.util.Iterator;

/**
 * The Desk's command line; {@code server} is null when the Desk should locate the server itself, {@code theme}
 * null when the saved setting decides.
 */
record DeskOptions(URI server, Theme theme) {

    static final String USAGE = """
            Usage: octvex-desk [--server URL] [--theme light|dark]
              --server URL   the sync server (default: "url" in $OCTVEX_HOME/run/server.json,
                             else http://127.0.0.1:$OCTVEX_PORT)
              --theme NAME   light or dark for this start (default: the Desk's setting,
                             which follows the system until changed)
              --help         print this help""";

    enum Theme { LIGHT, DARK }

    /** @throws IllegalArgumentException with a message fit for the user */
    static DeskOptions parse(String... args) {
        URI server = null;
        Theme theme = null;
        Iterator<String> it = Arrays.asList(args).iterator();
        while (it.hasNext()) {
            String arg = it.next();
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            switch (name) {
                case "--server" -> server = ServerLocator.parseServerUrl(value(arg, name, it));
                case "--theme" -> theme = theme(value(arg, name, it));
                default -> throw new IllegalArgumentException("unknown argument: " + arg);
            }
        }
        return new DeskOptions(server, theme);
    }

    private static String value(String arg, String name, Iterator<String> rest) {
        if (arg.length() > name.length()) {
            return arg.substring(name.length() + 1);
        }
        if (!rest.hasNext()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return rest.next();
    }

    private static Theme theme(String value) {
        return switch (value) {
            case "light" -> Theme.LIGHT;
            case "dark" -> Theme.DARK;
            default -> throw new IllegalArgumentException("--theme must be light or dark, not " + value);
        };
    }
}
