package io.octvex.server.web;

import org.springframework.http.HttpStatus;

/**
 * A refusal a person can act on. Its title and detail are shown to the client as they are, so they must
 * never carry a secret, a stack trace or an internal class name.
 */
public class ApiException extends RuntimeException {
    private final HttpStatus status;
    private final String title;

    public ApiException(HttpStatus status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, "Invalid request", detail);
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(HttpStatus.UNAUTHORIZED, "Authentication required", detail);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, "Not allowed", detail);
    }

    /** Also the answer when something exists but belongs to a workspace the caller cannot see. */
    public static ApiException notFound(String what) {
        return new ApiException(HttpStatus.NOT_FOUND, "Not found", what + " was not found");
    }

    public static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, "Conflict", detail);
    }

    public static ApiException locked(String detail) {
        return new ApiException(HttpStatus.LOCKED, "Locked", detail);
    }
}
