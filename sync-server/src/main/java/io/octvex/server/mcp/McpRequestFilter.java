package io.octvex.server.mcp;

import io.octvex.server.identity.BearerChallenge;
import io.octvex.server.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses MCP requests for a foreign Host or Origin (403) before anything else looks at them, the token
 * included. Runs after the request limits and before authentication (see {@link McpConfiguration}).
 */
final class McpRequestFilter extends OncePerRequestFilter {
    private final McpOrigins origins;

    McpRequestFilter(McpOrigins origins) {
        this.origins = origins;
    }

    static boolean mcpPath(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.equals(McpConfiguration.ENDPOINT) || path.startsWith(McpConfiguration.ENDPOINT + "/")
                || path.equals(BearerChallenge.MCP_METADATA_PATH)
                || path.startsWith(BearerChallenge.MCP_METADATA_PATH + "/");
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !mcpPath(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> refusal = origins.refusal(request.getHeader(HttpHeaders.HOST),
                request.getHeader(HttpHeaders.ORIGIN));
        if (refusal.isPresent()) {
            Problems.write(response, HttpStatus.FORBIDDEN, "Origin not allowed", refusal.get(),
                    request.getRequestURI());
            return;
        }
        chain.doFilter(request, response);
    }
}
