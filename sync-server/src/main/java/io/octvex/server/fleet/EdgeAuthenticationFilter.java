package io.octvex.server.fleet;

import io.octvex.protocol.EdgeState;
import io.octvex.server.web.DatabaseUnavailable;
import io.octvex.server.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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
 * Authenticates every request to {@code /api/v1/edge/**} (except {@code POST /api/v1/edge/enroll}) by the
 * edge's own token ({@code Authorization: Bearer ovx_edge_…}); people's tokens are not accepted there, and
 * edge tokens are accepted nowhere else. A revoked edge is refused at once: the token is looked up on every
 * request, never cached.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 11)
class EdgeAuthenticationFilter extends OncePerRequestFilter {
    static final String EDGE = AuthenticatedEdge.class.getName();
    static final String PREFIX = "/api/v1/edge/";
    private static final Logger log = LoggerFactory.getLogger(EdgeAuthenticationFilter.class);
    private static final String CHALLENGE = "Bearer realm=\"octvex-edge\"";

    private final FleetStore store;

    EdgeAuthenticationFilter(FleetStore store) {
        this.store = store;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!path.startsWith(PREFIX) || path.equals(PREFIX + "enroll") && "POST".equals(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        String query = request.getQueryString();
        if (query != null && query.toLowerCase(java.util.Locale.ROOT).matches("(?s)(.*&)?\\s*(access_token|token)\\s*(=.*)?")) {
            Problems.write(response, HttpStatus.BAD_REQUEST, "Token in the URL",
                    "tokens are not accepted in the query string; send 'Authorization: Bearer ovx_edge_…'",
                    request.getRequestURI());
            return;
        }
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            unauthorized(response, request, "edge endpoints need the edge's token: 'Authorization: Bearer ovx_edge_…' "
                    + "(an edge receives it from POST /api/v1/edge/enroll)");
            return;
        }
        String secret = header.substring(7).strip();
        if (!FleetSecrets.wellFormed(secret, FleetSecrets.EDGE)) {
            unauthorized(response, request, "this is not an edge token (ovx_edge_…); people's tokens do not work here");
            return;
        }
        Optional<FleetStore.EdgeRow> edge;
        try {
            edge = store.edgeByToken(FleetSecrets.hash(secret));
        } catch (RuntimeException e) {
            if (DatabaseUnavailable.causedBy(e)) {
                log.warn("Database unavailable while authenticating an edge on {} {}: {}", request.getMethod(),
                        request.getRequestURI(), e.getMessage());
                Problems.databaseUnavailable(response, request.getRequestURI());
                return;
            }
            String reference = UUID.randomUUID().toString();
            log.error("Edge authentication failed internally {} on {} {}", reference, request.getMethod(),
                    request.getRequestURI(), e);
            Problems.write(response, HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                    "the server could not check the edge token; nothing was changed. Reference: " + reference,
                    request.getRequestURI());
            return;
        }
        if (edge.isEmpty() || edge.get().state() == EdgeState.REVOKED) {
            unauthorized(response, request, "the edge token is not valid: it is unknown or the edge was revoked; "
                    + "enrol the edge again");
            return;
        }
        FleetStore.EdgeRow row = edge.get();
        request.setAttribute(EDGE, new AuthenticatedEdge(row.id(), row.name(), row.state(), row.workspaceIds()));
        chain.doFilter(request, response);
    }

    private static void unauthorized(HttpServletResponse response, HttpServletRequest request, String detail)
            throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
        Problems.write(response, HttpStatus.UNAUTHORIZED, "Authentication required", detail, request.getRequestURI());
    }
}
