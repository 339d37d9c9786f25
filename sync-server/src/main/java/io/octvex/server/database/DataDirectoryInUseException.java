package io.octvex.server.database;

/** A second server process pointed at a data directory another one is using. */
public class DataDirectoryInUseException extends IllegalStateException {
    public DataDirectoryInUseException(String message) {
        super(message);
    }
}
