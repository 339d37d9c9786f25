package io.octvex.edge.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import io.octvex.edge.browser.ActionRunner.Deadline;
import io.octvex.edge.browser.EnginePool.Engine;
import io.octvex.edge.handler.Handler;
import io.octvex.edge.handler.StepContext;
import io.octvex.edge.handler.StepFailure;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.databind.JsonNode;

/**
 * The {@code browser} handler: drives Chromium through Playwright with a small action vocabulary (goto, click,
 * fill, wait, extract, screenshot). The browser comes from a configured provider: {@code local} (Debian's
 * Chromium, launched headless; a browser is never downloaded), {@code cdp} (attach to a DevTools endpoint), or
 * a remote service reached over CDP ({@code browserless}, {@code browserbase}, {@code cloudflare}).
 *
 * <p>Every step gets a fresh browser context. A {@code persistent} sandbox restores the context's storage state
 * (cookies, local storage) for (workspace, name) before the first action and saves it, encrypted, after the
 * last, also when the step fails. See {@code docs/edges.md} ("Browsers") for the input format.
 *
 * <p>Safe for concurrent steps; {@link #close()} stops the warm drivers and browsers.
 */
public final class BrowserHandler implements Handler, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BrowserHandler.class.getName());
    private static final int MAX_MESSAGE = 300;

    private final BrowserConfig config;
    private final EnginePool engines;
    private final SandboxStore sandboxes;
    private final Map<String, ReentrantLock> sandboxLocks = new ConcurrentHashMap<>();

    public BrowserHandler(BrowserConfig config) {
        this.config = config;
        this.engines = new EnginePool(config);
        this.sandboxes = new SandboxStore(config.edgeHome());
    }

    @Override
    public String name() {
        return "browser";
    }

    @Override
    public JsonNode run(StepContext context) throws Exception {
        BrowserStep step = BrowserStep.parse(context.input(), config);
        requireOffered(step.provider());
        Deadline deadline = Deadline.after(step.timeout());
        if (!step.sandbox().persistent()) {
            return runInBrowser(context, step, deadline, null, Optional.empty());
        }
        UUID workspaceId = context.lease() == null ? null : context.lease().workspaceId();
        if (workspaceId == null) {
            throw new StepFailure("a persistent sandbox needs a lease that names its workspace");
        }
        String name = step.sandbox().name();
        ReentrantLock lock = sandboxLocks.computeIfAbsent(workspaceId + "/" + name, k -> new ReentrantLock());
        if (!lock.tryLock(Math.max(0, deadline.remaining().toMillis()), TimeUnit.MILLISECONDS)) {
            throw new StepFailure("sandbox '" + name + "' stayed busy with another step on this edge until "
                    + "this step's deadline");
        }
        try {
            Optional<byte[]> state = sandboxes.load(workspaceId, name);
            return runInBrowser(context, step, deadline, workspaceId, state);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        engines.close();
    }

    private JsonNode runInBrowser(StepContext context, BrowserStep step, Deadline deadline, UUID workspaceId,
                                  Optional<byte[]> state) throws Exception {
        Engine engine;
        try {
            engine = engines.take();
        } catch (PlaywrightException e) {
            throw new StepFailure("cannot start the Playwright driver on this edge: " + firstLine(e));
        }
        boolean discard = false;
        Browser remote = null;
        BrowserContext browserContext = null;
        try {
            Browser browser;
            if (step.provider() == Provider.LOCAL) {
                browser = launchLocal(engine);
            } else {
                remote = connect(engine, step.provider(), deadline);
                browser = remote;
            }
            Browser.NewContextOptions options = new Browser.NewContextOptions().setAcceptDownloads(false);
            state.ifPresent(s -> options.setStorageState(new String(s, StandardCharsets.UTF_8)));
            try {
                browserContext = browser.newContext(options);
            } catch (PlaywrightException e) {
                throw new StepFailure("cannot open a browser context (" + step.provider().wireName() + "): "
                        + redact(firstLine(e)));
            }
            Page page = browserContext.newPage();
            return runActions(context, step, deadline, workspaceId, browserContext, page);
        } catch (PlaywrightException e) {
            discard = true; // outside an action: the driver or the browser itself is in trouble
            throw new StepFailure("browser failed (" + step.provider().wireName() + "): " + redact(firstLine(e)));
        } catch (RuntimeException | Error e) {
            discard = true;
            throw e;
        } finally {
            if (browserContext != null) {
                closeQuietly(browserContext::close);
            }
            if (remote != null) {
                closeQuietly(remote::close); // disconnects; the service ends its session
            }
            engines.give(engine, !discard);
        }
    }

    /** Runs the actions, then saves a persistent sandbox's state whatever happened. */
    private JsonNode runActions(StepContext context, BrowserStep step, Deadline deadline, UUID workspaceId,
                                BrowserContext browserContext, Page page) throws Exception {
        Throwable primary = null;
        try {
            return new ActionRunner(context, page, deadline, config.actionTimeout()).run(step.actions());
        } catch (Throwable t) {
            primary = t;
            throw t;
        } finally {
            if (step.sandbox().persistent()) {
                String name = step.sandbox().name();
                try {
                    byte[] json = browserContext.storageState().getBytes(StandardCharsets.UTF_8);
                    sandboxes.save(workspaceId, name, json);
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.WARNING, "could not save browser sandbox " + name, e);
                    StepFailure notSaved = new StepFailure("sandbox '" + name + "': its state could not be saved ("
                            + e.getClass().getSimpleName() + ")", e);
                    if (primary != null) {
                        primary.addSuppressed(notSaved);
                    } else {
                        throw notSaved;
                    }
                }
            }
        }
    }

    private Browser launchLocal(Engine engine) throws StepFailure {
        if (!Files.isExecutable(config.chromiumExecutable())) {
            throw new StepFailure("Chromium is not installed at " + config.chromiumExecutable()
                    + " on this edge (Debian: apt-get install chromium; or set OCTVEX_BROWSER_EXECUTABLE)");
        }
        try {
            return engine.local();
        } catch (PlaywrightException e) {
            throw new StepFailure("cannot launch Chromium at " + config.chromiumExecutable() + ": " + firstLine(e));
        }
    }

    private Browser connect(Engine engine, Provider provider, Deadline deadline) throws StepFailure {
        BrowserType.ConnectOverCDPOptions options = new BrowserType.ConnectOverCDPOptions()
                .setTimeout(Math.max(1, Math.min(deadline.remaining().toMillis(), config.actionTimeout().toMillis())));
        String endpoint = switch (provider) {
            case CDP -> config.cdpEndpoint().toString();
            case BROWSERLESS -> withQuery(config.browserless().url(), "token", config.browserless().key());
            case BROWSERBASE -> withQuery(config.browserbase().url(), "apiKey", config.browserbase().key());
            case CLOUDFLARE -> {
                options.setHeaders(Map.of("Authorization", "Bearer " + config.cloudflare().key()));
                yield config.cloudflare().url().toString();
            }
            case LOCAL -> throw new IllegalStateException("local is launched, not connected");
        };
        try {
            return engine.playwright.chromium().connectOverCDP(endpoint, options);
        } catch (PlaywrightException e) {
            throw new StepFailure("cannot connect to the " + provider.wireName() + " browser: "
                    + redact(firstLine(e)));
        }
    }

    private void requireOffered(Provider provider) throws StepFailure {
        boolean offered = switch (provider) {
            case LOCAL -> true;
            case CDP -> config.cdpEndpoint() != null;
            case BROWSERLESS -> config.browserless() != null;
            case BROWSERBASE -> config.browserbase() != null;
            case CLOUDFLARE -> config.cloudflare() != null;
        };
        if (!offered) {
            throw new StepFailure("provider '" + provider.wireName() + "' is not configured on this edge (set "
                    + provider.configHint() + ")");
        }
    }

    private static String withQuery(URI url, String name, String value) {
        String text = url.toString();
        String separator = url.getRawQuery() == null ? (url.getRawPath() == null || url.getRawPath().isEmpty()
                ? "/?" : "?") : "&";
        return text + separator + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Removes every configured key (raw and URL-encoded) from a message that may quote an endpoint. */
    String redact(String message) {
        List<String> secrets = new ArrayList<>();
        for (BrowserConfig.RemoteEndpoint remote :
                new BrowserConfig.RemoteEndpoint[] {config.browserless(), config.browserbase(), config.cloudflare()}) {
            if (remote != null) {
                secrets.add(remote.key());
                secrets.add(URLEncoder.encode(remote.key(), StandardCharsets.UTF_8));
            }
        }
        String redacted = message;
        for (String secret : secrets) {
            redacted = redacted.replace(secret, "***");
        }
        return redacted;
    }

    /**
     * Playwright's messages wrap the driver's error ({@code Error { message='…' name='…' stack='…' }}) and carry a
     * multi-line call log; the timeline gets the first line of the message, clipped.
     */
    static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int wrapped = message.indexOf("message='");
        if (message.startsWith("Error {") && wrapped >= 0) {
            message = message.substring(wrapped + "message='".length());
        }
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline).strip();
        }
        return BrowserStep.clip(message, MAX_MESSAGE);
    }

    private static void closeQuietly(Runnable close) {
        try {
            close.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a browser resource failed", e);
        }
    }
}
