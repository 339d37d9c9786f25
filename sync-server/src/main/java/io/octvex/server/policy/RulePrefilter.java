package io.octvex.server.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.Operator;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The actions a rule's condition can hold for, read from its checked CEL expression when the policy is
 * compiled, so that a decision evaluates only the rules that could match its action. Only top-level
 * conjuncts of the form {@code action == "x"} or {@code action in ["x", "y"]} narrow it; no other shape does
 * ({@code ||}, {@code !}, {@code !=}, {@code startsWith}...). When in doubt, a rule is evaluated for every action.
 *
 * <p>Why one conjunct may decide: a rule whose condition fails to evaluate is a matching deny, so a skipped
 * rule must be one whose condition is certainly false. CEL's {@code &&} is commutative over errors —
 * {@code false && error} and {@code error && false} are both false — and cel-java's interpreter agrees: it
 * evaluates each side non-strictly (a failure, the iteration budget included, becomes an error value) and
 * any false side makes the whole false. {@code action == "x"} itself never fails: {@code action} is always a
 * string. The exception is a side whose value is neither a bool nor an error, such as {@code run.labels["x"]}
 * (a string, though the checker types it bool next to {@code &&}): then {@code &&} fails whatever the other
 * side says. So the rule is narrowed only when every conjunct has a shape whose value is a bool or an error.
 */
final class RulePrefilter {
    private static final String ACTION = "action";
    /** Operators and functions whose every overload gives a bool, so a call gives a bool or fails. */
    private static final Set<String> BOOLEAN_FUNCTIONS = Set.of(Operator.EQUALS.getFunction(),
            Operator.NOT_EQUALS.getFunction(), Operator.LESS.getFunction(), Operator.LESS_EQUALS.getFunction(),
            Operator.GREATER.getFunction(), Operator.GREATER_EQUALS.getFunction(), Operator.IN.getFunction(),
            Operator.LOGICAL_NOT.getFunction(), Operator.LOGICAL_OR.getFunction(), "startsWith", "endsWith",
            "contains", "matches");

    private RulePrefilter() {}

    /**
     * The actions the condition can be true (or fail) for; empty when it may be for any action. An empty set
     * inside means no action at all (e.g. {@code action == "a" && action == "b"}).
     */
    static Optional<Set<String>> actions(CelAbstractSyntaxTree ast) {
        List<CelExpr> conjuncts = new ArrayList<>();
        conjuncts(ast.getExpr(), conjuncts);
        Set<String> actions = null;
        for (CelExpr conjunct : conjuncts) {
            if (!boolOrError(conjunct)) {
                return Optional.empty();
            }
            Set<String> only = onlyActions(ast, conjunct);
            if (only != null) {
                if (actions == null) {
                    actions = new HashSet<>(only);
                } else {
                    actions.retainAll(only);
                }
            }
        }
        return actions == null ? Optional.empty() : Optional.of(Set.copyOf(actions));
    }

    private static void conjuncts(CelExpr expr, List<CelExpr> into) {
        if (isCall(expr, Operator.LOGICAL_AND)) {
            for (CelExpr arg : expr.call().args()) {
                conjuncts(arg, into);
            }
        } else {
            into.add(expr);
        }
    }

    /** A bool constant, a {@code has()} test or a call of a function that only gives bools. */
    private static boolean boolOrError(CelExpr expr) {
        return switch (expr.exprKind().getKind()) {
            case CONSTANT -> expr.constant().getKind() == CelConstant.Kind.BOOLEAN_VALUE;
            case SELECT -> expr.select().testOnly();
            case CALL -> BOOLEAN_FUNCTIONS.contains(expr.call().function());
            default -> false;
        };
    }

    /** The actions {@code action == "x"}, {@code "x" == action} or {@code action in [...]} admit, else null. */
    private static Set<String> onlyActions(CelAbstractSyntaxTree ast, CelExpr expr) {
        if (isCall(expr, Operator.EQUALS) && expr.call().args().size() == 2) {
            CelExpr left = expr.call().args().get(0);
            CelExpr right = expr.call().args().get(1);
            if (isAction(ast, left) && isString(right)) {
                return Set.of(right.constant().stringValue());
            }
            if (isAction(ast, right) && isString(left)) {
                return Set.of(left.constant().stringValue());
            }
            return null;
        }
        if (isCall(expr, Operator.IN) && expr.call().args().size() == 2 && isAction(ast, expr.call().args().get(0))) {
            CelExpr list = expr.call().args().get(1);
            if (list.exprKind().getKind() != CelExpr.ExprKind.Kind.LIST || !list.list().optionalIndices().isEmpty()
                    || !list.list().elements().stream().allMatch(RulePrefilter::isString)) {
                return null;
            }
            Set<String> actions = new HashSet<>();
            list.list().elements().forEach(e -> actions.add(e.constant().stringValue()));
            return actions;
        }
        return null;
    }

    private static boolean isCall(CelExpr expr, Operator operator) {
        return expr.exprKind().getKind() == CelExpr.ExprKind.Kind.CALL && expr.call().target().isEmpty()
                && expr.call().function().equals(operator.getFunction());
    }

    /** The declared variable, as the checker resolved it (and so as the runtime will look it up). */
    private static boolean isAction(CelAbstractSyntaxTree ast, CelExpr expr) {
        return expr.exprKind().getKind() == CelExpr.ExprKind.Kind.IDENT
                && ast.getReference(expr.id()).map(CelReference::name).filter(ACTION::equals).isPresent();
    }

    private static boolean isString(CelExpr expr) {
        return expr.exprKind().getKind() == CelExpr.ExprKind.Kind.CONSTANT
                && expr.constant().getKind() == CelConstant.Kind.STRING_VALUE;
    }
}
