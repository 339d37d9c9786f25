package io.octvex.desk.policy;

import io.octvex.desk.connect.Problems;
import io.octvex.protocol.Explanation;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.PolicyDiff;
import io.octvex.protocol.PolicyInput;
import io.octvex.protocol.PolicyVersionView;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The policy editor's state: the draft document, its problems, the stored versions and what the server said
 * about them (diff, explanation).
 *
 * <p>There is no "run the tests" call on the server: a save runs them and refuses the save when one fails.
 * So <em>Run tests</em> saves the draft as an <b>inactive</b> version (nothing changes for runs); <em>Check</em>
 * only compiles (a dry run over one decision, nothing stored). Server calls run on {@code io}; properties
 * change on {@code fx}.
 */
final class PolicyModel {
    /** One line of the status bar; {@code problem} when it reports a refusal or failure. */
    record Notice(String text, boolean problem) {}

    private final PolicyApi api;
    private final Executor io;
    private final Executor fx;
    private final StringProperty document = new SimpleStringProperty("");
    private final ObservableList<PolicyProblem> problems = FXCollections.observableArrayList();
    // one read-only view, kept: a fresh wrapper per call would drop listeners added to it once collected
    private final ObservableList<PolicyProblem> problemsView = FXCollections.unmodifiableObservableList(problems);
    private final ObservableList<PolicyVersionView> versions = FXCollections.observableArrayList();
    private final ObservableList<PolicyVersionView> versionsView = FXCollections.unmodifiableObservableList(versions);
    private final ReadOnlyObjectWrapper<Notice> notice = new ReadOnlyObjectWrapper<>(new Notice("", false));
    private final ReadOnlyStringWrapper output = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper();

    PolicyModel(PolicyApi api, Executor io, Executor fx) {
        this.api = api;
        this.io = io;
        this.fx = fx;
    }

    /** The draft being edited (the editor binds to it). */
    StringProperty documentProperty() {
        return document;
    }

    /** Problems of the last check or save, in document order; placed ones first. */
    ObservableList<PolicyProblem> problems() {
        return problemsView;
    }

    /** Stored versions, newest first. */
    ObservableList<PolicyVersionView> versions() {
        return versionsView;
    }

    ReadOnlyObjectProperty<Notice> noticeProperty() {
        return notice.getReadOnlyProperty();
    }

    /** The last diff or explanation, as text. */
    ReadOnlyStringProperty outputProperty() {
        return output.getReadOnlyProperty();
    }

    ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    /** Loads the versions and puts the active one (else the newest, else nothing) in the editor. */
    void load() {
        call("Loading", () -> {
            List<PolicyVersionView> all = api.versions();
            fx.execute(() -> {
                versions.setAll(all);
                PolicyVersionView shown = all.stream().filter(PolicyVersionView::active).findFirst()
                        .orElse(all.isEmpty() ? null : all.getFirst());
                document.set(shown == null ? "" : shown.document());
                problems.clear();
                notice.set(new Notice(shown == null ? "No policy yet: every action is denied until one is active."
                        : "Editing a copy of version " + shown.version() + (shown.active() ? " (active)." : "."),
                        false));
            });
            return null;
        });
    }

    /** Compiles the draft; nothing is stored. */
    void check() {
        String draft = document.get();
        call("Checking", () -> {
            api.compile(draft);
            fx.execute(() -> {
                problems.clear();
                notice.set(new Notice("The draft compiles.", false));
            });
            return null;
        });
    }

    /** Saves the draft as an inactive version, which runs its tests; a failing test stores nothing. */
    void runTests() {
        save(false);
    }

    /** Saves the draft and makes it the active version (its tests run first). */
    void saveAndActivate() {
        save(true);
    }

    private void save(boolean activate) {
        String draft = document.get();
        call(activate ? "Saving" : "Running the tests", () -> {
            PolicyVersionView saved = api.save(draft, activate);
            List<PolicyVersionView> all = api.versions();
            fx.execute(() -> {
                problems.clear();
                versions.setAll(all);
                notice.set(new Notice(activate
                        ? "Saved and activated version " + saved.version() + " (" + tests(saved) + " passed)."
                        : tests(saved) + " passed; saved as inactive version " + saved.version()
                                + ". Activate it to make it decide.", false));
            });
            return null;
        });
    }

    /** Makes {@code version} the active one: a rollback when it is older than the active version. */
    void activate(PolicyVersionView version) {
        call("Activating", () -> {
            PolicyVersionView active = api.activate(version.version());
            List<PolicyVersionView> all = api.versions();
            fx.execute(() -> {
                versions.setAll(all);
                notice.set(new Notice("Version " + active.version() + " is active.", false));
            });
            return null;
        });
    }

    /** What {@code version} changes against the active version. */
    void diffAgainstActive(PolicyVersionView version) {
        PolicyVersionView active = versions.stream().filter(PolicyVersionView::active).findFirst().orElse(null);
        if (active == null) {
            notice.set(new Notice("No version is active: nothing to compare with.", true));
            return;
        }
        call("Comparing", () -> {
            PolicyDiff diff = api.diff(version.version(), active.version());
            String text = diff.unified() == null || diff.unified().isBlank()
                    ? "Version " + version.version() + " and the active version " + active.version()
                            + " are the same."
                    : diff.unified();
            fx.execute(() -> {
                output.set(text);
                notice.set(new Notice("Version " + version.version() + " against the active version "
                        + active.version() + ".", false));
            });
            return null;
        });
    }

    /** Asks the active policy what it decides for an action; {@code principal} blank means me. */
    void explain(String principal, String action, String resource, String method) {
        if (action == null || action.isBlank()) {
            notice.set(new Notice("Explain needs an action, e.g. http.request.", true));
            return;
        }
        var input = new PolicyInput(blankToNull(principal), action.strip(), blankToNull(resource),
                blankToNull(method), null, null, null, null, null);
        call("Explaining", () -> {
            Explanation e = api.explain(input);
            String text = "Effect: " + e.effect() + "\n"
                    + "Decided by: " + (e.decidedBy() == null ? "nothing matched (default deny)" : e.decidedBy()) + "\n"
                    + "Reason: " + e.reason() + "\n"
                    + "Matched: " + (e.matched() == null || e.matched().isEmpty() ? "none" : String.join(", ", e.matched()))
                    + (e.approverRole() == null ? "" : "\nApproval: role " + e.approverRole() + ", quorum " + e.quorum())
                    + "\nPolicy version: " + e.policyVersion();
            fx.execute(() -> {
                output.set(text);
                notice.set(new Notice("Explained " + input.action()
                        + (input.resource() == null ? "" : " on " + input.resource()) + ".", false));
            });
            return null;
        });
    }

    private void call(String doing, Supplier<Void> work) {
        busy.set(true);
        notice.set(new Notice(doing + "…", false));
        io.execute(() -> {
            try {
                work.get();
            } catch (OctvexApiException e) {
                if (e.status() != 400 && e.status() != 422) {
                    fx.execute(() -> notice.set(new Notice(doing + " failed: " + Problems.describe(e), true)));
                    return;
                }
                List<PolicyProblem> found = e.status() == 422 ? testFailures(e.problem().detail())
                        : PolicyProblem.parse(e.problem().detail());
                String said = e.status() == 422 ? "A test fails: nothing was saved." : "The draft does not compile: "
                        + found.size() + (found.size() == 1 ? " problem." : " problems.");
                fx.execute(() -> {
                    problems.setAll(found);
                    notice.set(new Notice(said, true));
                });
            } catch (RuntimeException e) {
                fx.execute(() -> notice.set(new Notice(doing + " failed: " + Problems.describe(e), true)));
            } finally {
                fx.execute(() -> busy.set(false));
            }
        });
    }

    private static List<PolicyProblem> testFailures(String detail) {
        String text = detail == null ? "" : detail.replaceFirst("^the policy was not saved: ", "");
        return Arrays.stream(text.split("; (?=test )")).map(t -> new PolicyProblem(0, 0, t.strip())).toList();
    }

    private static String tests(PolicyVersionView v) {
        return v.testCount() == 1 ? "1 test" : v.testCount() + " tests";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
