package io.octvex.server.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.OptionalLong;

/**
 * A feature that accepts larger bodies on some of its endpoints (artifact uploads) says so here, instead of
 * the request filter knowing every feature's paths.
 */
public interface BodyLimit {
    /** The limit in bytes for this request, or empty to leave it to the default. */
    OptionalLong limitFor(HttpServletRequest request);
}
