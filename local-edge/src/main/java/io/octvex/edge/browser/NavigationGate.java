package io.octvex.edge.browser;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import io.octvex.edge.handler.StepContext;
import io.octvex.edge.handler.StepFailure;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Asks the gate before the page's main frame goes anywhere the step's own {@code goto} actions did not
 * name (the gate decided those before the lease): a link followed by a click, a form sent, a script's
 * navigation. Refused navigations are aborted and fail the step after the action that caused them.
 * Sub-resources and frames pass untouched; so do redirects inside one navigation (Chromium follows them
 * below the interception) — the gate sees the navigation's first URL.
 */
final class NavigationGate {
    private final StepContext context;
    private final Page page;
    private final Set<String> decided = new HashSet<>();
    private volatile StepFailure refused;

    NavigationGate(StepContext context, Page page, List<BrowserStep.Action> actions) {
        this.context = context;
        this.page = page;
        for (BrowserStep.Action action : actions) {
            if (action instanceof BrowserStep.Goto g) {
                String url = g.url().toString();
                decided.add(url);
                if (g.url().getRawPath() == null || g.url().getRawPath().isEmpty()) {
                    decided.add(url + "/"); // how the browser spells the same address
                }
            }
        }
    }

    void install() {
        page.route("**/*", this::handle);
    }

    private void handle(Route route) {
        var request = route.request();
        String url = request.url();
        boolean mainFrame = request.isNavigationRequest() && request.frame() == page.mainFrame();
        if (!mainFrame || decided.contains(url) || url.startsWith("about:") || url.startsWith("data:")) {
            route.resume();
            return;
        }
        try {
            context.authorize("browser.navigate", url, request.method(), List.of());
            decided.add(url);
            route.resume();
        } catch (StepFailure e) {
            refused = e;
            route.abort("blockedbyclient");
        }
    }

    /** Fails the step when the last action led somewhere the gate refused. */
    void rethrow() throws StepFailure {
        StepFailure failure = refused;
        if (failure != null) {
            throw failure;
        }
    }
}
