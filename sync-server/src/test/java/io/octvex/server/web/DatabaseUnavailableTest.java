package io.octvex.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/** Which failures are "the database is away" (503) and which stay internal errors (500). */
class DatabaseUnavailableTest {

    @Test
    void aPoolTimeoutAShutdownAndABrokenCommitMeanTheDatabaseIsAway() {
        assertThat(DatabaseUnavailable.causedBy(new CannotCreateTransactionException("no connection",
                new CannotGetJdbcConnectionException("pool", new SQLTransientConnectionException(
                        "octvex - Connection is not available, request timed out after 5000ms."))))).isTrue();
        assertThat(DatabaseUnavailable.causedBy(new UncategorizedSQLException("update", "UPDATE steps",
                new SQLException("FATAL: terminating connection due to administrator command", "57P01")))).isTrue();
        assertThat(DatabaseUnavailable.causedBy(new RuntimeException(new SQLException("I/O error", "08006"))))
                .isTrue();
        assertThat(DatabaseUnavailable.causedBy(new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed")))).isTrue();
    }

    @Test
    void aFailingStatementOnAHealthyConnectionIsAnInternalError() {
        assertThat(DatabaseUnavailable.causedBy(new UncategorizedSQLException("insert", "INSERT INTO events",
                new SQLException("ERROR: audit store unavailable", "P0001")))).isFalse();
        assertThat(DatabaseUnavailable.causedBy(new IllegalStateException("a bug"))).isFalse();
        assertThat(DatabaseUnavailable.causedBy(new SQLException("no state"))).isFalse();
    }
}
