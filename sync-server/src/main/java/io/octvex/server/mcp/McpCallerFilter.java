package io.octvex.server.mcp;

import io.octvex.server.identity.BearerChallenge;
import io.octvex.server.identity.Caller;
import io.octvex.server.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * After authentication: the MCP endpoint serves workspace API tokens only, since every tool acts in the
 * token's workspace. A session token (from a login) is refused with 403. An MCP session may only be continued
 * with the token that opened it ({@link McpSessions}); any other answers 404, as an unknown session does.
 */
final class McpCallerFilter extends OncePerRequestFilter {
    static final String SESSION_HEADER = "Mcp-Session-Id";

    private final McpSessions sessions;

    McpCallerFilter(McpSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !(path.equals(McpConfiguration.ENDPOINT) || path.startsWith(McpConfiguration.ENDPOINT + "/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Object caller = request.getAttribute(Caller.REQUEST_ATTRIBUTE);
        if (!(caller instanceof Caller c)) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, BearerChallenge.forMcp(request));
            Problems.write(response, HttpStatus.UNAUTHORIZED, "Authentication required",
                    "send a workspace API token as 'Authorization: Bearer <token>'", request.getRequestURI());
            return;
        }
        if (c.isSession()) {
            Problems.write(response, HttpStatus.FORBIDDEN, "Workspace API token required",
                    "the MCP endpoint acts in one workspace: use an API token issued in that workspace "
                            + "(POST /api/v1/workspaces/{ws}/tokens), not a login session", request.getRequestURI());
            return;
        }
        String session = request.getHeader(SESSION_HEADER);
        if (session != null) {
            if (!sessions.mayUse(session, c.tokenId())) {
                Problems.write(response, HttpStatus.NOT_FOUND, "Unknown MCP session",
                        "this MCP session is not known for this token: initialize a new one", request.getRequestURI());
                return;
            }
            chain.doFilter(request, response);
            if ("DELETE".equals(request.getMethod())) {
                sessions.closed(session);
            }
            return;
        }
        chain.doFilter(request, new HttpServletResponseWrapper(response) {
            @Override
            public void setHeader(String name, String value) {
                opened(name, value);
                super.setHeader(name, value);
            }

            @Override
            public void addHeader(String name, String value) {
                opened(name, value);
                super.addHeader(name, value);
            }

            private void opened(String name, String value) {
                if (SESSION_HEADER.equalsIgnoreCase(name) && value != null) {
                    sessions.opened(value, c.tokenId()); // before the client can learn the id
                }
            }
        });
    }
}
