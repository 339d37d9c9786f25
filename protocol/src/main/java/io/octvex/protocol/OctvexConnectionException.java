package io.octvex.protocol;

/** The server could not be reached (refused, timed out, interrupted). */
public class OctvexConnectionException extends RuntimeException {
    public OctvexConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
