package io.octvex.desk.connect;

import io.octvex.edge.ServerLocator;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.OctvexConnectionException;
import io.octvex.protocol.PairingCode;
import java.io.Console;
import java.io.PrintStream;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code ./octvex pair}: prints a one-time code a Desk pairs with (ADR 0031). The launcher holds no credential
 * of its own: it signs in as the person running it (asking for the password, or OCTVEX_USER and
 * OCTVEX_PASSWORD for scripts), asks the server for a code for them (or, for an instance admin, for
 * {@code --user NAME}), and signs out again.
 */
public final class PairCommand {
    static final String USAGE = """
            Usage: ./octvex pair [--user NAME] [--as USERNAME] [--server URL]
              Prints a one-time pairing code (valid 5 minutes, works once) to type into the Desk's
              "Pair with a code". You sign in as yourself (--as, OCTVEX_USER, or asked); the password is
              asked for, or taken from OCTVEX_PASSWORD. --user NAME makes the code for another user
              (instance admins only). The server is --server, else the one in ~/.octvex/run/server.json.""";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private PairCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.console(), System.out, System.err));
    }

    /** Runs the command; returns the exit status. */
    static int run(String[] args, Map<String, String> env, Console console, PrintStream out, PrintStream err) {
        String server = null;
        String forUser = null;
        String as = env.get("OCTVEX_USER");
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--server" -> server = value(args, ++i, "--server");
                    case "--user" -> forUser = value(args, ++i, "--user");
                    case "--as" -> as = value(args, ++i, "--as");
                    case "-h", "--help" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
            String url = server != null ? ServerLocator.parseServerUrl(server).toString()
                    : ServerLocator.fromEnvironment().defaultServerUrl().toString();
            if (as == null || as.isBlank()) {
                if (console == null) {
                    throw new IllegalArgumentException("who is asking? give --as USERNAME or set OCTVEX_USER");
                }
                as = console.readLine("Octvex username: ");
            }
            char[] password = password(env, console, as);
            OctvexClient client;
            try {
                client = OctvexClient.connect(url).withToken(
                        OctvexClient.connect(url).login(as.strip(), new String(password)).token());
            } finally {
                Arrays.fill(password, '\0');
            }
            try {
                PairingCode code = client.createPairingCode(forUser);
                out.println("Pairing code for " + code.username() + ":  " + code.code());
                out.println("Valid until " + TIME.format(code.expiresAt()) + ", once. In the Desk: \"Pair with a code\", "
                        + "server " + url);
            } finally {
                client.logout();
            }
            return 0;
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("octvex pair: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (OctvexApiException e) {
            err.println("octvex pair: " + (e.status() == 401 ? "wrong username or password"
                    : Problems.describe(e)));
            return 1;
        } catch (OctvexConnectionException e) {
            err.println("octvex pair: " + Problems.describe(e) + " (is `./octvex up` running?)");
            return 1;
        }
    }

    private static char[] password(Map<String, String> env, Console console, String as) {
        String fromEnv = env.get("OCTVEX_PASSWORD");
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv.toCharArray();
        }
        if (console == null) {
            throw new IllegalArgumentException("no terminal to ask for " + as + "'s password: set OCTVEX_PASSWORD");
        }
        char[] typed = console.readPassword("Password for %s: ", as);
        if (typed == null || typed.length == 0) {
            throw new IllegalArgumentException("no password given");
        }
        return typed;
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }
}
