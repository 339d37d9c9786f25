package io.octvex.server.database;

/**
 * How to open a connection outside the pool: the event stream keeps one dedicated connection for
 * LISTEN, which a pool would otherwise hand to someone else.
 */
public record ConnectionSettings(String url, String user, String password) {
    public java.sql.Connection open() throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection(url, user, password);
    }

    @Override
    public String toString() {
        return "ConnectionSettings[url=" + url + ", user=" + user + ", password=***]";
    }
}
