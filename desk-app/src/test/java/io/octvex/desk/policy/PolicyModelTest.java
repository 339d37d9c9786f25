package io.octvex.desk.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.Explanation;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.PolicyDiff;
import io.octvex.protocol.PolicyInput;
import io.octvex.protocol.PolicyVersionView;
import io.octvex.protocol.Problem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The policy editor's model against a fake server: problems with their place, tests, versions, explain. */
class PolicyModelTest {
    private static final Instant T0 = Instant.parse("2026-11-24T08:00:00Z");
    private final FakeApi api = new FakeApi();
    private final PolicyModel model = new PolicyModel(api, Runnable::run, Runnable::run);

    @Test
    void theServersProblemDetailBecomesOneProblemPerPlace() {
        assertThat(PolicyProblem.parse("line 3, column 38: /rules/0/when: Syntax error: mismatched input '=' "
                + "expecting {'(', ';'}; line 9, column 5: /grants/1/resources/0: not a pattern"))
                .containsExactly(
                        new PolicyProblem(3, 38, "/rules/0/when: Syntax error: mismatched input '=' expecting {'(', ';'}"),
                        new PolicyProblem(9, 5, "/grants/1/resources/0: not a pattern"));
        assertThat(PolicyProblem.parse("the policy document is longer than 262144 characters"))
                .containsExactly(new PolicyProblem(0, 0, "the policy document is longer than 262144 characters"));
    }

    @Test
    void loadPutsTheActiveVersionInTheEditor() {
        api.versions.add(version(2, "version: 1 # two", false));
        api.versions.add(version(1, "version: 1 # one", true));
        model.load();
        assertThat(model.documentProperty().get()).isEqualTo("version: 1 # one");
        assertThat(model.versions()).extracting(PolicyVersionView::version).containsExactly(2, 1);
        assertThat(model.noticeProperty().get().text()).isEqualTo("Editing a copy of version 1 (active).");
    }

    @Test
    void aDraftThatDoesNotCompileListsItsProblemsAndACleanCheckClearsThem() {
        api.compileFailure = problem(400, "line 4, column 11: /rules/0/when: Syntax error: bad");
        model.documentProperty().set("broken");
        model.check();
        assertThat(model.problems()).containsExactly(new PolicyProblem(4, 11, "/rules/0/when: Syntax error: bad"));
        assertThat(model.noticeProperty().get()).isEqualTo(new PolicyModel.Notice(
                "The draft does not compile: 1 problem.", true));
        assertThat(api.compiled).containsExactly("broken");

        api.compileFailure = null;
        model.check();
        assertThat(model.problems()).isEmpty();
        assertThat(model.noticeProperty().get().text()).isEqualTo("The draft compiles.");
        assertThat(api.saved).as("a check stores nothing").isEmpty();
    }

    @Test
    void runTestsSavesAnInactiveVersionAndAFailingTestIsListed() {
        model.documentProperty().set("draft");
        api.saveFailure = problem(422, "the policy was not saved: test 'a' expected allow but the policy gives deny "
                + "(nothing matched); test 'b' expected deny but the policy gives allow (granted by 'g')");
        model.runTests();
        assertThat(model.problems()).extracting(PolicyProblem::toString).containsExactly(
                "test 'a' expected allow but the policy gives deny (nothing matched)",
                "test 'b' expected deny but the policy gives allow (granted by 'g')");
        assertThat(model.noticeProperty().get()).isEqualTo(new PolicyModel.Notice(
                "A test fails: nothing was saved.", true));

        api.saveFailure = null;
        model.runTests();
        assertThat(api.saved).containsExactly("draft:false", "draft:false");
        assertThat(model.problems()).isEmpty();
        assertThat(model.noticeProperty().get().text())
                .isEqualTo("2 tests passed; saved as inactive version 1. Activate it to make it decide.");
    }

    @Test
    void diffIsAgainstTheActiveVersionAndActivateRollsBack() {
        api.versions.add(version(3, "c", false));
        api.versions.add(version(2, "b", true));
        api.versions.add(version(1, "a", false));
        model.load();
        model.diffAgainstActive(model.versions().get(0));
        assertThat(api.diffs).containsExactly("3 against 2");
        assertThat(model.outputProperty().get()).isEqualTo("--- v2\n+++ v3\n");

        model.activate(model.versions().get(2));
        assertThat(model.versions().stream().filter(PolicyVersionView::active).map(PolicyVersionView::version))
                .containsExactly(1);
        assertThat(model.noticeProperty().get().text()).isEqualTo("Version 1 is active.");
    }

    @Test
    void explainShowsTheDecisionAndNeedsAnAction() {
        model.explain("", " ", "", "");
        assertThat(model.noticeProperty().get()).isEqualTo(new PolicyModel.Notice(
                "Explain needs an action, e.g. http.request.", true));
        model.explain("", "http.request", "https://api.example.com/v1", "DELETE");
        assertThat(api.explained).containsExactly(new PolicyInput(null, "http.request", "https://api.example.com/v1",
                "DELETE", null, null, null, null, null));
        assertThat(model.outputProperty().get()).contains("Effect: require_approval")
                .contains("Decided by: deletes").contains("Approval: role approver, quorum 2");
    }

    private static OctvexApiException problem(int status, String detail) {
        return new OctvexApiException(new Problem("about:blank", "Bad", status, detail, null));
    }

    private static PolicyVersionView version(int v, String document, boolean active) {
        return new PolicyVersionView(v, document, UUID.randomUUID(), T0, active, 2);
    }

    private static final class FakeApi implements PolicyApi {
        final List<PolicyVersionView> versions = new ArrayList<>();
        final List<String> compiled = new ArrayList<>();
        final List<String> saved = new ArrayList<>();
        final List<String> diffs = new ArrayList<>();
        final List<PolicyInput> explained = new ArrayList<>();
        RuntimeException compileFailure;
        RuntimeException saveFailure;

        @Override
        public List<PolicyVersionView> versions() {
            return List.copyOf(versions);
        }

        @Override
        public void compile(String document) {
            compiled.add(document);
            if (compileFailure != null) {
                throw compileFailure;
            }
        }

        @Override
        public PolicyVersionView save(String document, boolean activate) {
            saved.add(document + ":" + activate);
            if (saveFailure != null) {
                throw saveFailure;
            }
            return version(versions.size() + 1, document, activate);
        }

        @Override
        public PolicyVersionView activate(int version) {
            versions.replaceAll(v -> version(v.version(), v.document(), v.version() == version));
            return version(version, "", true);
        }

        @Override
        public PolicyDiff diff(int version, int against) {
            diffs.add(version + " against " + against);
            return new PolicyDiff(version, against, null, null, null, null, "--- v" + against + "\n+++ v" + version + "\n");
        }

        @Override
        public Explanation explain(PolicyInput input) {
            explained.add(input);
            return new Explanation(2, "require_approval", "deletes", "needs a look", List.of("deletes"), "approver", 2);
        }
    }
}
