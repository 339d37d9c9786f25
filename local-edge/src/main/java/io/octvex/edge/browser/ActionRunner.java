package io.octvex.edge.browser;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.options.ScreenshotType;
import com.microsoft.playwright.options.WaitForSelectorState;
import io.octvex.edge.browser.BrowserStep.Action;
import io.octvex.edge.handler.Redaction;
import io.octvex.edge.handler.StepContext;
import io.octvex.edge.handler.StepFailure;
import io.octvex.protocol.CredentialRef;
import io.octvex.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs a step's actions on one page, in order. Every Playwright call gets an explicit timeout: the smaller of
 * the per-action limit and what is left of the step's deadline. Cancellation is checked before each action
 * and during waits; a single action is bounded by its timeout.
 */
final class ActionRunner {
    static final int MAX_EXTRACT_CHARS = 10_000;
    private static final long PAUSE_SLICE_MILLIS = 200;

    private final StepContext context;
    private final Page page;
    private final Deadline deadline;
    private final Duration actionTimeout;
    /** Values filled from secrets, and where: kept out of everything the step reports. */
    private final List<String> secrets = new ArrayList<>();
    private final List<Locator> filled = new ArrayList<>();

    ActionRunner(StepContext context, Page page, Deadline deadline, Duration actionTimeout) {
        this.context = context;
        this.page = page;
        this.deadline = deadline;
        this.actionTimeout = actionTimeout;
    }

    /** The result document: {@code {url, title, extracted: {name: text}, screenshots: [artifactId]}}. */
    JsonNode run(List<Action> actions) throws StepFailure {
        ObjectNode extracted = Json.mapper().createObjectNode();
        ArrayNode screenshots = Json.mapper().createArrayNode();
        NavigationGate gate = new NavigationGate(context, page, actions);
        gate.install();
        for (int i = 0; i < actions.size(); i++) {
            Action action = actions.get(i);
            String where = "action " + (i + 1) + " (" + action.describe() + ")";
            if (context.cancelled()) {
                throw new StepFailure("cancelled before " + where);
            }
            double timeout = timeoutFor(where);
            context.progress("action " + (i + 1) + "/" + actions.size() + ": " + action.describe(),
                    i * 100 / actions.size(), null);
            try {
                switch (action) {
                    case BrowserStep.Goto g -> page.navigate(g.url().toString(),
                            new Page.NavigateOptions().setTimeout(timeout));
                    case BrowserStep.Click c -> page.locator(c.selector())
                            .click(new Locator.ClickOptions().setTimeout(timeout));
                    case BrowserStep.Fill f -> page.locator(f.selector())
                            .fill(f.value(), new Locator.FillOptions().setTimeout(timeout));
                    case BrowserStep.FillSecret f -> fillSecret(f, timeout, where);
                    case BrowserStep.WaitFor w -> page.locator(w.selector()).first()
                            .waitFor(new Locator.WaitForOptions()
                                    .setState(WaitForSelectorState.VISIBLE).setTimeout(timeout));
                    case BrowserStep.Pause p -> pause(p.millis(), where);
                    case BrowserStep.Extract e -> {
                        String text = page.locator(e.selector())
                                .innerText(new Locator.InnerTextOptions().setTimeout(timeout));
                        String redacted = new Redaction(secrets).apply(text);
                        extracted.put(e.as(), redacted.length() > MAX_EXTRACT_CHARS
                                ? redacted.substring(0, MAX_EXTRACT_CHARS) : redacted);
                    }
                    case BrowserStep.Screenshot s -> screenshots.add(screenshot(s, timeout, where));
                }
                gate.rethrow();
            } catch (PlaywrightException e) {
                gate.rethrow(); // an aborted navigation surfaces as the action's error: the refusal says more
                if (deadline.expired()) {
                    throw new StepFailure("step timed out after " + deadline.total().toSeconds() + " s in " + where);
                }
                String message = BrowserHandler.firstLine(e);
                if (action instanceof BrowserStep.Goto g) {
                    // Chromium quotes the URL it failed on; keep its query and user info out of the timeline
                    message = message.replace(g.url().toString(), BrowserStep.withoutQuery(g.url()));
                }
                throw new StepFailure(where + ": " + message);
            }
        }
        gate.rethrow();
        ObjectNode result = Json.mapper().createObjectNode();
        try {
            Redaction redaction = new Redaction(secrets);
            result.put("url", redaction.apply(page.url()));
            result.put("title", redaction.apply(page.title()));
        } catch (PlaywrightException e) {
            throw new StepFailure("the page was lost after the last action: " + BrowserHandler.firstLine(e));
        }
        result.set("extracted", extracted);
        result.set("screenshots", screenshots);
        return result;
    }

    /**
     * Redeems the secret's field, fills it, and remembers it so that nothing the step reports shows it:
     * extracted text is redacted and the filled element is masked in screenshots.
     */
    private void fillSecret(BrowserStep.FillSecret f, double timeout, String where) throws StepFailure {
        CredentialRef ref = context.lease().credentials().stream()
                .filter(c -> c.secret().equals(f.secret()) && "field".equals(c.as()) && f.field().equals(c.field()))
                .findFirst().orElseThrow(() -> new StepFailure(where + ": no credential lease for secret '"
                        + f.secret() + "' (" + f.field() + ") came with this step"));
        byte[] material = context.credential(ref);
        try {
            String value = Json.tree(new String(material, StandardCharsets.UTF_8)).path("value").asString();
            secrets.add(value);
            filled.add(page.locator(f.selector()));
            page.locator(f.selector()).fill(value, new Locator.FillOptions().setTimeout(timeout));
        } finally {
            java.util.Arrays.fill(material, (byte) 0);
        }
    }

    private String screenshot(BrowserStep.Screenshot s, double timeout, String where) throws StepFailure {
        byte[] png = page.screenshot(new Page.ScreenshotOptions()
                .setType(ScreenshotType.PNG).setFullPage(s.fullPage()).setTimeout(timeout)
                .setMask(filled));
        try {
            return context.artifact(s.name() + ".png", "image/png", png);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new StepFailure(where + ": the screenshot (" + png.length + " bytes) was not accepted: "
                    + BrowserStep.clip(String.valueOf(e.getMessage()), 200));
        }
    }

    /** Sleeps in short slices (letting Playwright process events) and stops early when cancelled. */
    private void pause(long millis, String where) throws StepFailure {
        long end = System.nanoTime() + millis * 1_000_000;
        while (true) {
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return;
            }
            if (context.cancelled()) {
                throw new StepFailure("cancelled during " + where);
            }
            if (deadline.expired()) {
                throw new StepFailure("step timed out after " + deadline.total().toSeconds() + " s in " + where);
            }
            page.waitForTimeout(Math.min(left, PAUSE_SLICE_MILLIS));
        }
    }

    private double timeoutFor(String where) throws StepFailure {
        long left = deadline.remaining().toMillis();
        if (left <= 0) {
            throw new StepFailure("step timed out after " + deadline.total().toSeconds() + " s before " + where);
        }
        return Math.max(1, Math.min(left, actionTimeout.toMillis()));
    }

    /** A step's deadline on the monotonic clock. */
    record Deadline(long startNanos, Duration total) {
        static Deadline after(Duration total) {
            return new Deadline(System.nanoTime(), total);
        }

        Duration remaining() {
            return total.minusNanos(System.nanoTime() - startNanos);
        }

        boolean expired() {
            return remaining().isNegative() || remaining().isZero();
        }
    }
}
