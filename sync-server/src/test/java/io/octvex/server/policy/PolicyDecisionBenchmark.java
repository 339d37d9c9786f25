package io.octvex.server.policy;

import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.Role;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.casbin.jcasbin.main.Enforcer;
import org.casbin.jcasbin.model.Model;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decision latency with 200 rules: our engine against jCasbin (RBAC with domains) holding the same grants,
 * plus our engine with 20 of the 200 written as CEL rules. Run with bench/policy-decisions.sh; the numbers
 * go to docs/benchmarks.md. Not a test: nothing here asserts on speed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 4, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class PolicyDecisionBenchmark {
    static final int RULES = 200;
    static final int CEL_RULES = 20;
    private static final Role[] ROLES = Role.values();

    private final PolicyEngine engine = new PolicyEngine();
    private CompiledPolicy grants;
    private CompiledPolicy grantsAndCel;
    private Enforcer casbin;
    private DecisionInput allowed;
    private DecisionInput denied;
    private DecisionInput allowedByCel;

    /** Rule i gives role ROLES[i % 6] the action svc<i>.call on https://svc-<i>.example.com/**. */
    static int allowedIndex() {
        for (int i = RULES / 2; i < RULES; i++) {
            if (ROLES[i % ROLES.length] == Role.OPERATOR) {
                return i;
            }
        }
        throw new IllegalStateException();
    }

    static String grantsDocument(int grantCount, int celCount) {
        StringBuilder doc = new StringBuilder("grants:\n");
        for (int i = 0; i < grantCount; i++) {
            doc.append("  - id: g-").append(i).append('\n')
                    .append("    to: {roles: [").append(ROLES[i % ROLES.length].wire()).append("]}\n")
                    .append("    actions: [svc").append(i).append(".call]\n")
                    .append("    resources: [\"https://svc-").append(i).append(".example.com/**\"]\n");
        }
        if (celCount > 0) {
            doc.append("rules:\n");
            for (int i = grantCount; i < grantCount + celCount; i++) {
                doc.append("  - id: r-").append(i).append('\n')
                        .append("    when: 'action == \"svc").append(i).append(".call\" && request.host == \"svc-").append(i)
                        .append(".example.com\" && \"").append(ROLES[i % ROLES.length].wire())
                        .append("\" in principal.roles'\n")
                        .append("    effect: allow\n");
            }
        }
        return doc.toString();
    }

    static Enforcer casbin() {
        Model model = new Model();
        model.addDef("r", "r", "sub, dom, obj, act");
        model.addDef("p", "p", "sub, dom, obj, act");
        model.addDef("g", "g", "_, _, _");
        model.addDef("e", "e", "some(where (p.eft == allow))");
        model.addDef("m", "m", "g(r.sub, p.sub, r.dom) && r.dom == p.dom && keyMatch(r.obj, p.obj) && r.act == p.act");
        Enforcer enforcer = new Enforcer(model);
        for (int i = 0; i < RULES; i++) {
            enforcer.addPolicy(ROLES[i % ROLES.length].wire(), "ws", "https://svc-" + i + ".example.com/*", "svc" + i + ".call");
        }
        enforcer.addGroupingPolicy("alice", Role.OPERATOR.wire(), "ws");
        return enforcer;
    }

    static DecisionInput input(int i) {
        String url = "https://svc-" + i + ".example.com/api/items";
        return new DecisionInput(new DecisionInput.Principal(UUID.randomUUID(), "alice", PrincipalKind.USER,
                List.of(Role.OPERATOR)), "svc" + i + ".call", url,
                new DecisionInput.Request("GET", "svc-" + i + ".example.com", "/api/items", List.of("accept")),
                new DecisionInput.Run(UUID.randomUUID(), 0, null, Map.of()), Instant.parse("2026-11-23T10:00:00Z"),
                new DecisionInput.Workspace(UUID.randomUUID(), "ws"));
    }

    @Setup
    public void setUp() {
        PolicyCompiler compiler = new PolicyCompiler();
        grants = compiler.compile(grantsDocument(RULES, 0));
        grantsAndCel = compiler.compile(grantsDocument(RULES - CEL_RULES, CEL_RULES));
        casbin = casbin();
        int allow = allowedIndex();
        allowed = input(allow);
        denied = input(allow + 1);
        int celAllow = RULES - 1;
        while (ROLES[celAllow % ROLES.length] != Role.OPERATOR) {
            celAllow--;
        }
        allowedByCel = input(celAllow);
        check(engine.decide(grants, allowed).effect() == Effect.ALLOW, "grants must allow");
        check(engine.decide(grants, denied).effect() == Effect.DENY, "grants must deny");
        check(engine.decide(grantsAndCel, allowedByCel).effect() == Effect.ALLOW, "the CEL rule must allow");
        check(casbin.enforce("alice", "ws", allowed.resource(), allowed.action()), "casbin must allow");
        check(!casbin.enforce("alice", "ws", denied.resource(), denied.action()), "casbin must deny");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark set-up is wrong: " + what);
        }
    }

    @Benchmark
    public Decision octvexAllow() {
        return engine.decide(grants, allowed);
    }

    @Benchmark
    public Decision octvexDeny() {
        return engine.decide(grants, denied);
    }

    @Benchmark
    public Decision octvexAllowWith20CelRules() {
        return engine.decide(grantsAndCel, allowedByCel);
    }

    @Benchmark
    public boolean jcasbinAllow() {
        return casbin.enforce("alice", "ws", allowed.resource(), allowed.action());
    }

    @Benchmark
    public boolean jcasbinDeny() {
        return casbin.enforce("alice", "ws", denied.resource(), denied.action());
    }
}
