package io.octvex.server.identity;

import io.octvex.server.web.DatabaseUnavailable;
import io.octvex.server.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates every API request by its {@code Authorization: Bearer} token and stores the {@link Caller}
 * as a request attribute. Public: the login, the pairing code exchange, health and the OpenAPI document. Runs right after the
 * request limits filter, so an oversized or wrong-protocol request is refused before any database work.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class AuthenticationFilter extends OncePerRequestFilter {
    static final String CALLER = Caller.REQUEST_ATTRIBUTE;
    private static final Logger log = LoggerFactory.getLogger(AuthenticationFilter.class);

    private final Authenticator authenticator;

    AuthenticationFilter(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!protectedPath(request.getMethod(), path)) {
            chain.doFilter(request, response);
            return;
        }
        if (tokenInQuery(request.getQueryString())) {
            Problems.write(response, HttpStatus.BAD_REQUEST, "Token in the URL",
                    "tokens are not accepted in the query string (URLs end up in logs and browser history); "
                            + "send it as the header 'Authorization: Bearer <token>'", request.getRequestURI());
            return;
        }
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            unauthorized(response, request, "this needs a token: send 'Authorization: Bearer <token>'; "
                    + "a session token comes from POST /api/v1/auth/login");
            return;
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            unauthorized(response, request, "the Authorization header must be 'Bearer <token>'");
            return;
        }
        Optional<Caller> caller;
        try {
            caller = authenticator.authenticate(header.substring(7).strip());
        } catch (RuntimeException e) {
            if (DatabaseUnavailable.causedBy(e)) {
                log.warn("Database unavailable while authenticating {} {}: {}", request.getMethod(),
                        request.getRequestURI(), e.getMessage());
                Problems.databaseUnavailable(response, request.getRequestURI());
                return;
            }
            // fail closed: a use that cannot be audited is not allowed
            String reference = UUID.randomUUID().toString();
            log.error("Authentication failed internally {} on {} {}", reference, request.getMethod(),
                    request.getRequestURI(), e);
            Problems.write(response, HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                    "the server could not check the token; nothing was changed. Reference: " + reference,
                    request.getRequestURI());
            return;
        }
        if (caller.isEmpty()) {
            unauthorized(response, request, "the token is not valid: it is unknown, expired or revoked");
            return;
        }
        request.setAttribute(CALLER, caller.get());
        chain.doFilter(request, response);
    }

    static boolean protectedPath(String method, String path) {
        if (path.startsWith("/api/")) {
            if (path.startsWith("/api/v1/edge/")) {
                return false; // edges authenticate with their own tokens (fleet.EdgeAuthenticationFilter)
            }
            if (path.equals("/api/v1/oauth/callback") && "GET".equals(method)) {
                return false; // a provider sends the browser back here: the single-use state is the credential
            }
            // a login and a pairing code exchange are how a caller gets a session in the first place
            return !((path.equals("/api/v1/auth/login") || path.equals("/api/v1/auth/pair")) && "POST".equals(method));
        }
        if (path.equals("/actuator") || path.startsWith("/actuator/")) {
            return !(path.equals("/actuator/health") || path.startsWith("/actuator/health/"));
        }
        return isMcp(path);
    }

    /** The MCP endpoint ({@code io.octvex.server.mcp}): its 401 points clients at the resource metadata. */
    static boolean isMcp(String path) {
        return path.equals("/mcp") || path.startsWith("/mcp/");
    }

    static boolean tokenInQuery(String query) {
        if (query == null) {
            return false;
        }
        for (String pair : query.split("&")) {
            String key = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
            try {
                key = URLDecoder.decode(key, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                // leave malformed escapes as they are
            }
            String lower = key.strip().toLowerCase(Locale.ROOT);
            if (lower.equals("access_token") || lower.equals("token")) {
                return true;
            }
        }
        return false;
    }

    private static void unauthorized(HttpServletResponse response, HttpServletRequest request, String detail)
            throws IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, isMcp(path) ? BearerChallenge.forMcp(request) : BearerChallenge.API);
        Problems.write(response, HttpStatus.UNAUTHORIZED, "Authentication required", detail, request.getRequestURI());
    }
}
