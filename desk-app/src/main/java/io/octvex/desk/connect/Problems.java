package io.octvex.desk.connect;

import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.OctvexConnectionException;

/** Turns a failed call into a sentence for the user: never a stack trace, never a bare exception message. */
public final class Problems {
    private Problems() {}

    public static String describe(Throwable failure) {
        if (failure instanceof OctvexConnectionException) {
            return "Cannot reach the server. Check the URL and that the server is running.";
        }
        if (failure instanceof OctvexApiException api) {
            String detail = api.problem().detail();
            String said = detail == null || detail.isBlank() ? api.problem().title() : detail;
            return switch (api.status()) {
                case 401 -> "Not signed in: " + said;
                case 403 -> "Not allowed: " + said;
                case 404 -> "Not found: " + said;
                case 409 -> "Already settled: " + said;
                default -> "The server refused (" + api.status() + "): " + said;
            };
        }
        return "Something went wrong (" + failure.getClass().getSimpleName() + "); see the Desk's log.";
    }
}
