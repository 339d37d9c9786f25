package io.octvex.edge.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Warm Playwright drivers (and, for the {@code local} provider, the Chromium each launched), handed to one
 * step at a time. Playwright objects are not thread-safe: an engine is used by exactly one step between
 * {@link #take()} and {@link #give}, which is the synchronisation Playwright asks for. Steps are isolated by a
 * fresh browser context each, never by a fresh browser.
 */
final class EnginePool implements AutoCloseable {
    static final List<String> CHROMIUM_ARGS = List.of("--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync");

    private final BrowserConfig config;
    private final Deque<Engine> idle = new ArrayDeque<>();
    private boolean closed;

    EnginePool(BrowserConfig config) {
        this.config = config;
    }

    /** An engine for the caller alone; starts a driver when none is idle. */
    Engine take() {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("browser handler is closed");
            }
            Engine engine = idle.pollFirst();
            if (engine != null) {
                return engine;
            }
        }
        // The driver's environment applies to the first driver this JVM starts (playwright-java installs the
        // driver once per JVM); the browser's environment is set again at each launch.
        return new Engine(Playwright.create(new Playwright.CreateOptions().setEnv(scratchEnvironment())));
    }

    /** Returns an engine after a step; a broken one (or one beyond the idle limit) is closed instead. */
    void give(Engine engine, boolean healthy) {
        synchronized (this) {
            if (healthy && !closed && engine.healthy() && idle.size() < config.maxIdleEngines()) {
                idle.addFirst(engine);
                return;
            }
        }
        engine.close();
    }

    @Override
    public void close() {
        List<Engine> toClose;
        synchronized (this) {
            closed = true;
            toClose = List.copyOf(idle);
            idle.clear();
        }
        toClose.forEach(Engine::close);
    }

    /** The browser's whole environment: a launch {@code env} replaces the inherited one. */
    private Map<String, String> browserEnvironment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(scratchEnvironment());
        return env;
    }

    private Map<String, String> scratchEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        if (config.scratchDir() != null) {
            Path scratch = config.scratchDir().toAbsolutePath();
            try {
                Files.createDirectories(scratch.resolve("config"));
                Files.createDirectories(scratch.resolve("cache"));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot create browser scratch folder " + scratch, e);
            }
            env.put("TMPDIR", scratch.toString());
            env.put("XDG_CONFIG_HOME", scratch.resolve("config").toString());
            env.put("XDG_CACHE_HOME", scratch.resolve("cache").toString());
        }
        return env;
    }

    /** One Playwright driver process and, once the local provider has been used, its Chromium. */
    final class Engine implements AutoCloseable {
        final Playwright playwright;
        private Browser local;

        private Engine(Playwright playwright) {
            this.playwright = playwright;
        }

        /** The locally launched Chromium, started on first use and relaunched if it died. */
        Browser local() {
            if (local == null || !local.isConnected()) {
                if (local != null) {
                    quietly(local::close);
                }
                local = playwright.chromium().launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(config.chromiumExecutable())
                        .setHeadless(true)
                        .setChromiumSandbox(false)
                        .setArgs(CHROMIUM_ARGS)
                        .setEnv(browserEnvironment())
                        .setTimeout(config.actionTimeout().toMillis()));
            }
            return local;
        }

        boolean healthy() {
            return local == null || local.isConnected();
        }

        @Override
        public void close() {
            if (local != null) {
                quietly(local::close);
            }
            quietly(playwright::close);
        }
    }

    private static void quietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException ignored) {
            // closing something already broken
        }
    }
}
