package io.octvex.desk.bridge;

import io.octvex.edge.ServerLocator;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code octvex mcp-bridge --server URL --workspace ID}: an MCP stdio server for clients that start a command
 * (Claude Desktop, Continue, Goose, …), relaying every message to the Octvex server's {@code /mcp} with the
 * workspace token from the OS keychain (or {@code OCTVEX_TOKEN}), so the token is never in a client's file.
 * Standard output carries MCP messages only; everything else goes to standard error, which clients log.
 */
public final class McpBridge {
    static final String USAGE = """
            Usage: octvex mcp-bridge --server URL --workspace ID
              Relays MCP over stdio to URL/mcp. The token comes from the OS keychain (service "octvex",
              account "mcp-bridge URL ID", stored by the Desk), else from the OCTVEX_TOKEN environment
              variable. Never pass it on the command line.""";

    private McpBridge() {}

    public static void main(String[] args) {
        PrintStream protocolOut = System.out;
        System.setOut(System.err); // a library's stray print must not corrupt the protocol stream
        String server = null;
        String workspace = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--server" -> server = ServerLocator.parseServerUrl(value(args, ++i, "--server")).toString();
                    case "--workspace" -> workspace = value(args, ++i, "--workspace");
                    case "--help", "-h" -> {
                        System.err.println(USAGE);
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
            if (server == null || workspace == null) {
                throw new IllegalArgumentException("--server and --workspace are both needed");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("octvex mcp-bridge: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Optional<String> token = token(server, workspace);
        if (token.isEmpty()) {
            System.exit(1);
            return;
        }
        InputStream in = System.in;
        var relay = new Relay(server.replaceAll("/+$", "") + "/mcp", token.get(), protocolOut);
        try (var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            relay.run(reader);
        } catch (Exception e) {
            System.err.println("octvex mcp-bridge: stopped: " + e);
            System.exit(1);
        }
        System.exit(0);
    }

    /** The keychain first, then OCTVEX_TOKEN; says why neither worked on standard error. */
    static Optional<String> token(String server, String workspace) {
        StringBuilder why = new StringBuilder();
        Optional<String> stored = BridgeTokens.read(server, workspace, why);
        if (stored.isPresent()) {
            return stored;
        }
        String env = System.getenv("OCTVEX_TOKEN");
        if (env != null && !env.isBlank()) {
            return Optional.of(env.strip());
        }
        System.err.println("octvex mcp-bridge: no token for workspace " + workspace + " at " + server + ": " + why
                + ", and OCTVEX_TOKEN is not set. Configure the client from the Octvex Desk (it stores a token in "
                + "the keychain), or set OCTVEX_TOKEN in the client's environment for this server.");
        return Optional.empty();
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }
}
