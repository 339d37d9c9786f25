package io.octvex.server.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Turns a policy document into a {@link CompiledPolicy}, or refuses it with every problem at its line and
 * column: YAML syntax, unknown fields, bad patterns, CEL syntax and type errors, rules without what their
 * effect needs. Conditions are type-checked against the decision input and must yield a bool.
 */
final class PolicyCompiler {
    /** Bounds every comprehension (exists, all, map, filter) so no condition can run away. */
    static final int MAX_ITERATIONS = 1_000;
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*|\\*");
    private static final CelOptions OPTIONS = CelOptions.current()
            .comprehensionMaxIterations(MAX_ITERATIONS)
            // JSON arguments arrive as int or double by their text: `amount > 100` must decide for 5.5 too
            .enableHeterogeneousNumericComparisons(true)
            .build();

    private final YAMLMapper yaml = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private final CelCompiler cel = environment().setResultType(SimpleType.BOOL).build();
    /** Rate-limit keys: any value, turned into text to name a bucket. */
    private final CelCompiler values = environment().build();
    private final CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    private static dev.cel.compiler.CelCompilerBuilder environment() {
        return CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("principal", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("action", SimpleType.STRING)
            .addVar("resource", SimpleType.STRING)
            .addVar("request", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("run", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("now", SimpleType.TIMESTAMP)
            .addVar("workspace", MapType.create(SimpleType.STRING, SimpleType.DYN));
    }

    CompiledPolicy compile(String text) {
        PolicyDocument document;
        try {
            document = yaml.readValue(text, PolicyDocument.class);
        } catch (JacksonException e) {
            throw new InvalidPolicyException(List.of(locate(e, text)));
        }
        if (document == null) {
            throw new InvalidPolicyException(List.of(new PolicyError(1, 1, "the policy document is empty")));
        }
        SourceLocations where = SourceLocations.of(yaml, text);
        List<PolicyError> errors = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        List<CompiledPolicy.CompiledGrant> grants = new ArrayList<>();
        for (int i = 0; i < document.grants().size(); i++) {
            if (present(document.grants().get(i), "/grants/" + i, where, errors)) {
                grants.add(grant(document.grants().get(i), "/grants/" + i, where, errors, ids));
            }
        }
        List<CompiledPolicy.CompiledRule> rules = new ArrayList<>();
        for (int i = 0; i < document.rules().size(); i++) {
            if (present(document.rules().get(i), "/rules/" + i, where, errors)) {
                rules.add(rule(document.rules().get(i), "/rules/" + i, where, errors, ids));
            }
        }
        List<CompiledPolicy.CompiledRateLimit> limits = new ArrayList<>();
        for (int i = 0; i < document.rateLimits().size(); i++) {
            if (present(document.rateLimits().get(i), "/rateLimits/" + i, where, errors)) {
                limits.add(rateLimit(document.rateLimits().get(i), "/rateLimits/" + i, where, errors, ids));
            }
        }
        for (int i = 0; i < document.tests().size(); i++) {
            present(document.tests().get(i), "/tests/" + i, where, errors);
        }
        if (!errors.isEmpty()) {
            throw new InvalidPolicyException(errors);
        }
        return new CompiledPolicy(document, List.copyOf(grants), List.copyOf(rules), List.copyOf(limits));
    }

    /** A bare "-" in a list reads as null: an error, not a NullPointerException (found by PolicyFuzzTest). */
    private static boolean present(Object entry, String at, SourceLocations where, List<PolicyError> errors) {
        if (entry == null) {
            errors.add(where.at(at, "this entry is empty"));
        }
        return entry != null;
    }

    private CompiledPolicy.CompiledGrant grant(PolicyDocument.Grant grant, String at, SourceLocations where,
                                               List<PolicyError> errors, Set<String> ids) {
        checkId(grant.id(), at, where, errors, ids);
        if (grant.to() == null || (grant.to().roles().isEmpty() && grant.to().principals().isEmpty()
                && grant.to().kinds().isEmpty())) {
            errors.add(where.at(at + "/id", "a grant needs 'to' with roles, principals or kinds"));
        }
        if (grant.actions() == null || grant.actions().isEmpty()) {
            errors.add(where.at(at + "/id", "a grant needs at least one action"));
        } else {
            for (int i = 0; i < grant.actions().size(); i++) {
                if (grant.actions().get(i) == null || !ACTION.matcher(grant.actions().get(i)).matches()) {
                    errors.add(where.at(at + "/actions/" + i, "an action is dotted lower case such as http.request"));
                }
            }
        }
        List<ResourcePattern> patterns = new ArrayList<>();
        List<String> resources = grant.resources() == null ? List.of() : grant.resources();
        for (int i = 0; i < resources.size(); i++) {
            try {
                patterns.add(ResourcePattern.parse(resources.get(i)));
            } catch (IllegalArgumentException e) {
                errors.add(where.at(at + "/resources/" + i, e.getMessage()));
            }
        }
        return new CompiledPolicy.CompiledGrant(grant, List.copyOf(patterns));
    }

    private CompiledPolicy.CompiledRule rule(PolicyDocument.Rule rule, String at, SourceLocations where,
                                             List<PolicyError> errors, Set<String> ids) {
        checkId(rule.id(), at, where, errors, ids);
        if (rule.effect() == null) {
            errors.add(where.at(at + "/id", "a rule needs an effect: allow, deny or require_approval"));
        } else if (rule.effect() == Effect.REQUIRE_APPROVAL) {
            PolicyDocument.Approval approval = rule.approval();
            if (approval == null || approval.role() == null) {
                errors.add(where.at(at + "/effect", "require_approval needs 'approval' with the approver role"));
            } else if (approval.quorum() != null && (approval.quorum() < 1 || approval.quorum() > 10)) {
                errors.add(where.at(at + "/approval/quorum", "a quorum is 1 to 10 distinct approvers"));
            } else if (approval.expires() != null && (approval.expires().isNegative() || approval.expires().isZero()
                    || approval.expires().toDays() > 30)) {
                errors.add(where.at(at + "/approval/expires", "an approval expires within 30 days (e.g. PT1H)"));
            }
        } else if (rule.approval() != null) {
            errors.add(where.at(at + "/effect", "'approval' only belongs to require_approval rules"));
        }
        CelAbstractSyntaxTree condition = condition(rule.when(), at + "/when", where, errors);
        return new CompiledPolicy.CompiledRule(rule, program(condition, at + "/when", where, errors),
                condition == null ? Optional.empty() : RulePrefilter.actions(condition));
    }

    private CompiledPolicy.CompiledRateLimit rateLimit(PolicyDocument.RateLimit limit, String at,
                                                       SourceLocations where, List<PolicyError> errors,
                                                       Set<String> ids) {
        checkId(limit.id(), at, where, errors, ids);
        if (limit.limit() == null || limit.limit() < 1) {
            errors.add(where.at(at + "/id", "a rate limit needs 'limit' of at least 1"));
        }
        if (limit.window() == null || limit.window().isNegative() || limit.window().isZero()) {
            errors.add(where.at(at + "/id", "a rate limit needs a 'window' such as PT1M"));
        }
        if (limit.burst() != null && limit.burst() < 0) {
            errors.add(where.at(at + "/burst", "'burst' is 0 or more"));
        }
        CelRuntime.Program when = program(condition(limit.when(), at + "/when", where, errors), at + "/when", where,
                errors);
        CelRuntime.Program key = null;
        if (limit.key() == null || limit.key().isBlank()) {
            errors.add(where.at(at + "/id", "a rate limit needs a 'key' expression such as principal.id"));
        } else {
            key = program(check(values, limit.key(), at + "/key", where, errors), at + "/key", where, errors);
        }
        return new CompiledPolicy.CompiledRateLimit(limit, when, key);
    }

    private CelAbstractSyntaxTree condition(String expression, String at, SourceLocations where,
                                           List<PolicyError> errors) {
        if (expression == null || expression.isBlank()) {
            errors.add(where.at(at.substring(0, at.lastIndexOf('/')) + "/id", "'when' is required: a CEL condition"));
            return null;
        }
        return check(cel, expression, at, where, errors);
    }

    /** The type-checked expression, or null (with its errors added) when it does not compile. */
    private CelAbstractSyntaxTree check(CelCompiler compiler, String expression, String at, SourceLocations where,
                                        List<PolicyError> errors) {
        try {
            return compiler.compile(expression).getAst();
        } catch (CelValidationException e) {
            for (CelIssue issue : e.getErrors()) {
                errors.add(where.at(at, issue.getSourceLocation().getLine(), issue.getSourceLocation().getColumn() + 1,
                        issue.getMessage()));
            }
            return null;
        }
    }

    private CelRuntime.Program program(CelAbstractSyntaxTree ast, String at, SourceLocations where,
                                       List<PolicyError> errors) {
        if (ast == null) {
            return null;
        }
        try {
            return runtime.createProgram(ast);
        } catch (CelEvaluationException e) {
            errors.add(where.at(at, e.getMessage()));
            return null;
        }
    }

    private static void checkId(String id, String at, SourceLocations where, List<PolicyError> errors,
                                Set<String> ids) {
        if (id == null || !ID.matcher(id).matches()) {
            errors.add(where.at(at + "/id", "an id is 1-64 lower-case letters, digits, '.', '_' or '-'"));
        } else if (!ids.add(id)) {
            errors.add(where.at(at + "/id", "the id '" + id + "' is used twice"));
        }
    }

    /**
     * Jackson reports a record's unknown field at the end of its object; the field's path finds its value's
     * own line instead.
     */
    private PolicyError locate(JacksonException e, String text) {
        String pointer = e.getPath().stream()
                .map(r -> "/" + (r.getPropertyName() != null ? r.getPropertyName() : Integer.toString(r.getIndex())))
                .reduce("", String::concat);
        PolicyError byPath = pointer.isEmpty() ? null : SourceLocations.of(yaml, text).at(pointer, readable(e));
        if (byPath != null && byPath.line() > 0) {
            return new PolicyError(byPath.line(), byPath.column(), readable(e));
        }
        TokenStreamLocation at = e.getLocation();
        return new PolicyError(at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), readable(e));
    }

    /** Jackson names Java types; say what is wrong in the document instead. */
    private static String readable(JacksonException e) {
        if (e instanceof tools.jackson.databind.exc.UnrecognizedPropertyException u) {
            return "unknown field '" + u.getPropertyName() + "'";
        }
        Throwable cause = e.getCause();
        if (cause instanceof IllegalArgumentException iae) {
            return iae.getMessage();
        }
        String message = e.getOriginalMessage();
        return message == null ? "the document cannot be read" : message.replaceAll("`[^`]*`", "a value")
                .replaceAll("\\(class [^)]*\\)", "");
    }
}
