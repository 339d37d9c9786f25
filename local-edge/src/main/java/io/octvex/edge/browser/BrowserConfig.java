package io.octvex.edge.browser;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How this edge runs browsers: which providers it offers, where Chromium is, limits, and where sandbox state
 * lives. Built once per edge (usually by {@link #fromEnvironment}); steps can only choose among what is
 * configured here, so a step can never point a provider at an endpoint of its choosing.
 *
 * @param edgeHome           {@code <OCTVEX_HOME>/edge}: sandbox state and the sandbox key live below it
 * @param defaultProvider    the provider used when a step names none ({@code local} unless configured)
 * @param chromiumExecutable the Chromium the {@code local} provider launches (never a downloaded browser)
 * @param cdpEndpoint        {@code cdp} provider: an {@code http(s)://} or {@code ws(s)://} DevTools endpoint,
 *                           or null when not offered
 * @param browserless        {@code browserless} provider (key sent as the {@code token} query parameter), or null
 * @param browserbase        {@code browserbase} provider (key sent as the {@code apiKey} query parameter), or null
 * @param cloudflare         {@code cloudflare} Browser Rendering (key sent as {@code Authorization: Bearer}), or null
 * @param actionTimeout      the longest a single action may take (also capped by the step's deadline)
 * @param defaultStepTimeout the step's deadline when it names no {@code timeoutSeconds}
 * @param maxStepTimeout     the largest {@code timeoutSeconds} a step may ask for
 * @param scratchDir         TMPDIR and XDG folders for the Playwright driver and the Chromium it launches, or
 *                           null to inherit this process's environment
 * @param maxIdleEngines     how many idle driver + local browser pairs are kept warm between steps
 */
public record BrowserConfig(Path edgeHome, String defaultProvider, Path chromiumExecutable, URI cdpEndpoint,
                            RemoteEndpoint browserless, RemoteEndpoint browserbase, RemoteEndpoint cloudflare,
                            Duration actionTimeout, Duration defaultStepTimeout, Duration maxStepTimeout,
                            Path scratchDir, int maxIdleEngines) {

    public static final Path DEFAULT_CHROMIUM = Path.of("/usr/bin/chromium");
    static final int MAX_SCRATCH_PATH = 60;
    static final URI BROWSERLESS_DEFAULT_URL = URI.create("wss://production-sfo.browserless.io");
    static final URI BROWSERBASE_DEFAULT_URL = URI.create("wss://connect.browserbase.com");

    public BrowserConfig {
        Objects.requireNonNull(edgeHome, "edgeHome");
        Objects.requireNonNull(chromiumExecutable, "chromiumExecutable");
        defaultProvider = defaultProvider == null || defaultProvider.isBlank() ? "local" : defaultProvider.strip();
        if (Provider.byName(defaultProvider) == null) {
            throw new IllegalArgumentException("unknown default browser provider '" + defaultProvider
                    + "' (one of " + Provider.names() + ")");
        }
        if (cdpEndpoint != null) {
            requireScheme(cdpEndpoint, "cdp endpoint", "http", "https", "ws", "wss");
        }
        for (RemoteEndpoint remote : new RemoteEndpoint[] {browserless, browserbase, cloudflare}) {
            if (remote != null) {
                requireScheme(remote.url(), "remote browser URL", "ws", "wss", "http", "https");
            }
        }
        actionTimeout = positive(actionTimeout, Duration.ofSeconds(30), "actionTimeout");
        maxStepTimeout = positive(maxStepTimeout, Duration.ofMinutes(5), "maxStepTimeout");
        defaultStepTimeout = positive(defaultStepTimeout, Duration.ofSeconds(60), "defaultStepTimeout");
        if (defaultStepTimeout.compareTo(maxStepTimeout) > 0) {
            defaultStepTimeout = maxStepTimeout;
        }
        if (scratchDir != null && scratchDir.toAbsolutePath().toString().length() > MAX_SCRATCH_PATH) {
            // Chromium puts a Unix socket (at most 107 bytes of path) in TMPDIR: a deep folder makes it exit
            throw new IllegalArgumentException("the browser scratch folder must be a short path (at most "
                    + MAX_SCRATCH_PATH + " characters): Chromium keeps a Unix socket in it");
        }
        if (maxIdleEngines < 0) {
            throw new IllegalArgumentException("maxIdleEngines must be 0 or more");
        }
    }

    /** Defaults for an edge home: local provider only, {@code /usr/bin/chromium}, 30 s actions, 60 s steps. */
    public static BrowserConfig defaults(Path edgeHome) {
        return new BrowserConfig(edgeHome, "local", DEFAULT_CHROMIUM, null, null, null, null,
                null, null, null, null, 2);
    }

    /**
     * Reads the edge's environment. Keys (all optional): {@code OCTVEX_HOME} (default {@code ~/.octvex}),
     * {@code OCTVEX_BROWSER_PROVIDER}, {@code OCTVEX_BROWSER_EXECUTABLE}, {@code OCTVEX_BROWSER_CDP_URL},
     * {@code OCTVEX_BROWSERLESS_URL} + {@code OCTVEX_BROWSERLESS_TOKEN}, {@code OCTVEX_BROWSERBASE_URL} +
     * {@code OCTVEX_BROWSERBASE_API_KEY}, {@code OCTVEX_CLOUDFLARE_BROWSER_URL} or
     * {@code OCTVEX_CLOUDFLARE_ACCOUNT_ID} + {@code OCTVEX_CLOUDFLARE_API_TOKEN},
     * {@code OCTVEX_BROWSER_ACTION_TIMEOUT_SECONDS}, {@code OCTVEX_BROWSER_STEP_TIMEOUT_SECONDS},
     * {@code OCTVEX_BROWSER_MAX_STEP_TIMEOUT_SECONDS}, {@code OCTVEX_BROWSER_TMPDIR},
     * {@code OCTVEX_BROWSER_IDLE_ENGINES}. A remote provider is offered only when its key is set.
     *
     * @throws IllegalArgumentException with a message fit for the operator
     */
    public static BrowserConfig fromEnvironment(Map<String, String> env, Path userHome) {
        String home = get(env, "OCTVEX_HOME");
        Path edgeHome = (home != null ? Path.of(home) : userHome.resolve(".octvex")).resolve("edge");
        String executable = get(env, "OCTVEX_BROWSER_EXECUTABLE");
        String cdp = get(env, "OCTVEX_BROWSER_CDP_URL");
        String cloudflareUrl = get(env, "OCTVEX_CLOUDFLARE_BROWSER_URL");
        String account = get(env, "OCTVEX_CLOUDFLARE_ACCOUNT_ID");
        if (cloudflareUrl == null && account != null) {
            if (!account.matches("[A-Za-z0-9]{1,64}")) {
                throw new IllegalArgumentException("OCTVEX_CLOUDFLARE_ACCOUNT_ID must be letters and digits");
            }
            cloudflareUrl = "wss://api.cloudflare.com/client/v4/accounts/" + account
                    + "/browser-rendering/devtools/browser";
        }
        String tmp = get(env, "OCTVEX_BROWSER_TMPDIR");
        String idle = get(env, "OCTVEX_BROWSER_IDLE_ENGINES");
        return new BrowserConfig(
                edgeHome,
                get(env, "OCTVEX_BROWSER_PROVIDER"),
                executable != null ? Path.of(executable) : DEFAULT_CHROMIUM,
                cdp != null ? uri(cdp, "OCTVEX_BROWSER_CDP_URL") : null,
                remote(env, "OCTVEX_BROWSERLESS_URL", BROWSERLESS_DEFAULT_URL.toString(), "OCTVEX_BROWSERLESS_TOKEN"),
                remote(env, "OCTVEX_BROWSERBASE_URL", BROWSERBASE_DEFAULT_URL.toString(), "OCTVEX_BROWSERBASE_API_KEY"),
                remote(env, null, cloudflareUrl, "OCTVEX_CLOUDFLARE_API_TOKEN"),
                seconds(env, "OCTVEX_BROWSER_ACTION_TIMEOUT_SECONDS"),
                seconds(env, "OCTVEX_BROWSER_STEP_TIMEOUT_SECONDS"),
                seconds(env, "OCTVEX_BROWSER_MAX_STEP_TIMEOUT_SECONDS"),
                tmp != null ? Path.of(tmp) : null,
                idle != null ? (int) number(idle, "OCTVEX_BROWSER_IDLE_ENGINES") : 2);
    }

    /** A remote browser service: its endpoint and the key that authenticates to it (never printed). */
    public record RemoteEndpoint(URI url, String key) {
        public RemoteEndpoint {
            Objects.requireNonNull(url, "url");
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("a remote browser provider needs a key");
            }
        }

        @Override
        public String toString() {
            return "RemoteEndpoint[url=" + url + ", key=***]";
        }
    }

    private static RemoteEndpoint remote(Map<String, String> env, String urlKey, String defaultUrl, String keyKey) {
        String key = get(env, keyKey);
        String url = urlKey != null && get(env, urlKey) != null ? get(env, urlKey) : defaultUrl;
        if (key == null) {
            return null;
        }
        if (url == null) {
            throw new IllegalArgumentException(keyKey + " is set but no endpoint is: set "
                    + "OCTVEX_CLOUDFLARE_ACCOUNT_ID or OCTVEX_CLOUDFLARE_BROWSER_URL");
        }
        return new RemoteEndpoint(uri(url, urlKey != null ? urlKey : "OCTVEX_CLOUDFLARE_BROWSER_URL"), key);
    }

    private static String get(Map<String, String> env, String key) {
        String value = env.get(key);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static URI uri(String value, String key) {
        try {
            return new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(key + " is not a URL");
        }
    }

    private static Duration seconds(Map<String, String> env, String key) {
        String value = get(env, key);
        return value == null ? null : Duration.ofSeconds(number(value, key));
    }

    private static long number(String value, String key) {
        try {
            long n = Long.parseLong(value);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, 0 or more");
        }
    }

    private static Duration positive(Duration value, Duration fallback, String name) {
        if (value == null) {
            return fallback;
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return value;
    }

    private static void requireScheme(URI uri, String what, String... schemes) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        for (String s : schemes) {
            if (s.equals(scheme) && uri.getHost() != null) {
                return;
            }
        }
        throw new IllegalArgumentException(what + " must be a " + String.join("/", schemes) + " URL with a host");
    }
}
