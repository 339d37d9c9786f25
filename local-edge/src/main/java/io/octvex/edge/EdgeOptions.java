package io.octvex.edge;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The command line of {@code octvex-edge}.
 *
 * @param server       {@code --server}, or null to use the enrolled server (or the local default)
 * @param enrollToken  {@code --enroll}, or null to reuse the stored identity
 * @param labels       {@code --label k=v}, added to (and overriding) the default os, arch and host labels
 * @param capacity     {@code --capacity}, or null for the enrolled capacity (default 4 at enrolment)
 * @param prefetch     {@code --prefetch}, or null for as many as the server allows: 7 per slot (ADR 0038, 0039)
 * @param home         {@code --home}, or null for {@code $OCTVEX_HOME} (default {@code ~/.octvex})
 */
record EdgeOptions(URI server, String enrollToken, String name, Map<String, String> labels, Integer capacity,
                   Integer prefetch, Path home, boolean waitUntilInterrupted, boolean enrollOnly, Duration drainTimeout, boolean help) {

    static final int DEFAULT_CAPACITY = 4;
    static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern LABEL_KEY = Pattern.compile("^[a-z0-9][a-z0-9._/-]{0,62}$");

    static final String USAGE = """
            Usage: octvex-edge [--server URL] [--enroll TOKEN [--name NAME] [--label KEY=VALUE]... [--enroll-only]]
                               [--capacity N] [--prefetch N] [--home DIR] [--drain-timeout SECONDS] [--wait]
              --server URL         the sync server (default: the one this edge enrolled with; else "url" in
                                   $OCTVEX_HOME/run/server.json; else http://127.0.0.1:$OCTVEX_PORT)
              --enroll TOKEN       enrol with an enrolment token from an admin (ovx_enr_…), store the identity in
                                   <home>/edge/identity.json (mode 0600) and start; also read from
                                   $OCTVEX_ENROLL_TOKEN so that it does not show in the process list
              --name NAME          the edge's name at enrolment (default: the host name)
              --label KEY=VALUE    a label at enrolment, repeatable (defaults: os, arch, host=<host name>)
              --enroll-only        enrol, store the identity and exit (for installers)
              --capacity N         steps run at once (default: as enrolled; 4 at enrolment)
              --prefetch N         at most N steps leased ahead, waiting for a slot, while recent steps ran
                                   shorter than 250 ms; only as many as the slots finish in 250 ms (default:
                                   7 per slot, the most the server allows; 0: never)
              --home DIR           the Octvex home holding edge/identity.json (default $OCTVEX_HOME or ~/.octvex)
              --drain-timeout S    on SIGTERM or a server drain, how long in-flight steps may finish (default 60)
              --wait               keep waiting for an unreachable server instead of exiting
              --help               print this help
            Exit codes: 0 stopped or drained, 1 cannot start (not enrolled, server unreachable without --wait,
            enrolment refused), 2 bad arguments, 3 the server refused this edge (revoked or unknown).""";

    /**
     * Parses the arguments.
     *
     * @throws IllegalArgumentException with a message fit for the user
     */
    static EdgeOptions parse(List<String> arguments, Map<String, String> env) {
        List<String> args = new ArrayList<>();
        for (String a : arguments) { // --flag=value is --flag value
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 2) {
                args.add(a.substring(0, eq));
                args.add(a.substring(eq + 1));
            } else {
                args.add(a);
            }
        }
        URI server = null;
        String token = null;
        String name = null;
        Map<String, String> labels = new LinkedHashMap<>();
        Integer capacity = null;
        Integer prefetch = null;
        Path home = null;
        boolean wait = false;
        boolean enrollOnly = false;
        Duration drain = DEFAULT_DRAIN_TIMEOUT;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String flag = arg;
            switch (flag) {
                case "--help", "-h" -> {
                    return new EdgeOptions(null, null, null, Map.of(), null, null, null, false, false, drain, true);
                }
                case "--wait" -> wait = true;
                case "--enroll-only" -> enrollOnly = true;
                case "--server" -> server = ServerLocator.parseServerUrl(value(args, i++, flag, "a URL"));
                case "--enroll" -> token = value(args, i++, flag, "an enrolment token");
                case "--name" -> name = value(args, i++, flag, "a name");
                case "--label" -> {
                    String kv = value(args, i++, flag, "KEY=VALUE");
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--label needs KEY=VALUE, got: " + kv);
                    }
                    String key = kv.substring(0, eq).strip();
                    if (!LABEL_KEY.matcher(key).matches()) {
                        throw new IllegalArgumentException("label key '" + key + "' must be 1 to 63 lower-case "
                                + "letters, digits, '.', '_', '/' or '-', starting with a letter or digit");
                    }
                    labels.put(key, kv.substring(eq + 1).strip());
                }
                case "--capacity" -> capacity = number(value(args, i++, flag, "a number"), flag, 1, 256);
                case "--prefetch" -> prefetch = number(value(args, i++, flag, "a number"), flag, 0, 2048);
                case "--drain-timeout" -> drain = Duration.ofSeconds(
                        number(value(args, i++, flag, "seconds"), flag, 0, 86_400));
                case "--home" -> home = Path.of(value(args, i++, flag, "a folder"));
                default -> throw new IllegalArgumentException("unknown argument: " + arg);
            }
        }
        if (token == null) {
            String fromEnv = env.get("OCTVEX_ENROLL_TOKEN");
            token = fromEnv == null || fromEnv.isBlank() ? null : fromEnv.strip();
        }
        if (token == null && (name != null || !labels.isEmpty() || enrollOnly)) {
            throw new IllegalArgumentException("--name, --label and --enroll-only only apply with --enroll TOKEN");
        }
        return new EdgeOptions(server, token, name, Map.copyOf(labels), capacity, prefetch, home, wait, enrollOnly,
                drain, false);
    }

    private static String value(List<String> args, int i, String flag, String what) {
        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs " + what);
        }
        return args.get(i + 1);
    }

    private static int number(String text, String flag, int min, int max) {
        try {
            int n = Integer.parseInt(text.strip());
            if (n < min || n > max) {
                throw new IllegalArgumentException(flag + " must be from " + min + " to " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a whole number, got: " + text);
        }
    }

    @Override
    public String toString() {
        return "EdgeOptions[server=" + server + ", enroll=" + (enrollToken == null ? "no" : "***") + ", name=" + name
                + ", labels=" + labels + ", capacity=" + capacity + ", prefetch=" + prefetch
                + ", home=" + home + ", wait=" + waitUntilInterrupted
                + "]";
    }
}
