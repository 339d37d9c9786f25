package io.octvex.server.faults;

import java.io.Closeable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A JDBC-level fault injector: a proxy over the server's real pool that, while armed, makes chosen statements
 * fail before they reach PostgreSQL (the transaction then rolls back), and makes commits succeed on the database
 * while the caller sees an error (the answer to COMMIT lost on the way back, the case a client cannot tell from
 * a failure). Faults are drawn from a seeded {@link Random}; the counters say what was injected.
 */
final class FaultInjector {
    /** A lost connection: what PostgreSQL's driver reports when the socket breaks mid-conversation. */
    private static final String CONNECTION_FAILURE = "08006";

    private final Random random;
    private final double statementFailure;
    private final double lostCommit;
    private volatile boolean armed;
    final AtomicInteger failedStatements = new AtomicInteger();
    final AtomicInteger lostCommits = new AtomicInteger();
    final AtomicInteger commits = new AtomicInteger();
    final AtomicInteger statements = new AtomicInteger();

    FaultInjector(long seed, double statementFailure, double lostCommit) {
        this.random = new Random(seed);
        this.statementFailure = statementFailure;
        this.lostCommit = lostCommit;
    }

    void arm(boolean on) {
        armed = on;
    }

    DataSource wrap(DataSource real) {
        return proxy(DataSource.class, real, (target, method, args) -> {
            Object result = invoke(target, method, args);
            return result instanceof Connection c ? proxy(Connection.class, c, this::connection) : result;
        }, Closeable.class);
    }

    private Object connection(Object target, Method method, Object[] args) throws Throwable {
        if (method.getName().equals("commit") && armed && draw(lostCommit)) {
            invoke(target, method, args); // the database commits ...
            lostCommits.incrementAndGet();
            throw new SQLException("injected: the answer to COMMIT was lost", CONNECTION_FAILURE); // ... unseen
        }
        if (method.getName().equals("commit")) {
            commits.incrementAndGet();
        }
        Object result = invoke(target, method, args);
        if (result instanceof Statement statement) {
            String sql = method.getName().startsWith("prepare") && args != null && args[0] instanceof String s ? s : null;
            Class<?> type = method.getReturnType();
            return proxy(type.asSubclass(Statement.class), statement, (t, m, a) -> statement(t, m, a, sql));
        }
        return result;
    }

    private Object statement(Object target, Method method, Object[] args, String prepared) throws Throwable {
        if (method.getName().startsWith("execute")) {
            String sql = prepared != null ? prepared : args != null && args.length > 0 && args[0] instanceof String s
                    ? s : "";
            statements.incrementAndGet();
            if (armed && writes(sql) && draw(statementFailure)) {
                failedStatements.incrementAndGet();
                throw new SQLException("injected: statement failed: " + abbreviate(sql),
                        random() ? CONNECTION_FAILURE : "XX000");
            }
        }
        return invoke(target, method, args);
    }

    /** Chosen statements: those that change state or lock rows for a change (reads alone are not interesting). */
    private static boolean writes(String sql) {
        String s = sql.strip().toLowerCase(Locale.ROOT);
        return s.startsWith("insert") || s.startsWith("update") || s.startsWith("delete") || s.startsWith("with")
                || s.contains(" for update") || s.contains(" for no key update");
    }

    private synchronized boolean draw(double p) {
        return random.nextDouble() < p;
    }

    private synchronized boolean random() {
        return random.nextBoolean();
    }

    private static String abbreviate(String sql) {
        String one = sql.replaceAll("\\s+", " ").strip();
        return one.length() > 60 ? one.substring(0, 60) + "…" : one;
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private interface Handler {
        Object handle(Object target, Method method, Object[] args) throws Throwable;
    }

    private static <T> T proxy(Class<T> type, Object target, Handler handler, Class<?>... extra) {
        Class<?>[] interfaces = new Class<?>[extra.length + 1];
        interfaces[0] = type;
        System.arraycopy(extra, 0, interfaces, 1, extra.length);
        InvocationHandler h = (p, method, args) -> switch (method.getName()) {
            case "unwrap" -> ((java.sql.Wrapper) target).unwrap((Class<?>) args[0]);
            case "isWrapperFor" -> ((java.sql.Wrapper) target).isWrapperFor((Class<?>) args[0]);
            case "equals" -> p == args[0];
            case "hashCode" -> System.identityHashCode(p);
            case "toString" -> "faulty " + target;
            default -> handler.handle(target, method, args);
        };
        return type.cast(Proxy.newProxyInstance(FaultInjector.class.getClassLoader(), interfaces, h));
    }
}
