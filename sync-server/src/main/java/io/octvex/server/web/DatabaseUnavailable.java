package io.octvex.server.web;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Recognises a failure that means "PostgreSQL is not reachable right now" (stopped, restarting, crashed, or no
 * pooled connection within the pool's timeout), so that it is answered 503 with a sentence, not 500 with a
 * reference: the request may simply be retried once the database is back.
 */
public final class DatabaseUnavailable {
    public static final String TITLE = "Service unavailable";
    public static final String DETAIL = "the server cannot reach its database right now (it may be restarting); "
            + "retry in a few seconds";
    /** Seconds a client should wait before retrying (the Retry-After header). */
    public static final String RETRY_AFTER = "5";

    private DatabaseUnavailable() {}

    public static boolean causedBy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataAccessResourceFailureException || t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            // COMMIT or ROLLBACK itself failed: in practice only when the connection broke under it (the pool
            // has then closed it, so the rollback after a failed commit reports "Connection is closed")
            if (t instanceof TransactionSystemException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    // 08: connection exception; 57P01..57P03: admin shutdown, crash shutdown, cannot connect now
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }
}
