package io.octvex.desk.mcpclients;

/** A client's file we cannot read or edit safely; the message is shown to the user as it is. */
final class ConfigException extends RuntimeException {
    ConfigException(String message) {
        super(message);
    }
}
