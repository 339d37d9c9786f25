package io.octvex.server.web;

import io.octvex.protocol.Json;
import io.octvex.protocol.Problem;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;

/** Writes a problem body from places that run before Spring MVC (filters). */
public final class Problems {
    private Problems() {}

    public static void write(HttpServletResponse response, HttpStatus status, String title, String detail,
                             String instance) throws IOException {
        response.setStatus(status.value());
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(Json.write(new Problem("about:blank", title, status.value(), detail, instance)));
    }

    /** 503 with Retry-After: PostgreSQL is unreachable ({@link DatabaseUnavailable}). */
    public static void databaseUnavailable(HttpServletResponse response, String instance) throws IOException {
        response.setHeader("Retry-After", DatabaseUnavailable.RETRY_AFTER);
        write(response, HttpStatus.SERVICE_UNAVAILABLE, DatabaseUnavailable.TITLE, DatabaseUnavailable.DETAIL,
                instance);
    }
}
