package io.octvex.desk.approvals;

import io.octvex.desk.connect.Problems;
import java.awt.Desktop;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Approving an approval whose rule asks for a step-up (ADR 0026): the server's ceremony page opens in the system
 * browser (JavaFX has no WebAuthn) with a one-time ticket; the vote arrives through the event stream like any
 * other, so the inbox refreshes on its own. The Desk's token never reaches the browser.
 */
final class SecurityKeyApproval {
    private final ApprovalsApi api;
    private final Executor io;
    private final Executor fx;
    private final Consumer<URI> browser;

    SecurityKeyApproval(ApprovalsApi api, Executor io, Executor fx, Consumer<URI> browser) {
        this.api = api;
        this.io = io;
        this.fx = fx;
        this.browser = browser;
    }

    static SecurityKeyApproval inSystemBrowser(ApprovalsApi api, Executor io, Executor fx) {
        return new SecurityKeyApproval(api, io, fx, SecurityKeyApproval::open);
    }

    /** Asks for the ceremony link off the FX thread and opens it; {@code say} gets a sentence (true: a problem). */
    void approve(ApprovalItem item, BiConsumer<String, Boolean> say) {
        say.accept("Approve: opening your browser for the security key…", false);
        io.execute(() -> {
            try {
                browser.accept(URI.create(api.stepUpLink(item.id())));
                fx.execute(() -> say.accept("Approve " + item.what() + " in your browser with your security key; "
                        + "this list follows once it is done.", false));
            } catch (RuntimeException e) {
                fx.execute(() -> say.accept("Approve refused: " + Problems.describe(e), true));
            }
        });
    }

    private static void open(URI link) {
        try {
            if (Desktop.isDesktopSupported() && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
                Desktop.getDesktop().browse(link);
                return;
            }
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            List<String> command = os.contains("win") ? List.of("rundll32", "url.dll,FileProtocolHandler", link.toString())
                    : os.contains("mac") ? List.of("open", link.toString()) : List.of("xdg-open", link.toString());
            new ProcessBuilder(command).inheritIO().start();
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("no browser could be opened; open the Approvals screen on a desktop "
                    + "with a browser", e);
        }
    }
}
