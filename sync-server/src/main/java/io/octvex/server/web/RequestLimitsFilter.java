package io.octvex.server.web;

import io.octvex.protocol.ProtocolVersion;
import io.octvex.server.OctvexProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses what must not reach a controller: bodies over the size limit (declared or streamed) and clients
 * speaking another protocol major. Clients that send no protocol header (curl) are served as version 1.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestLimitsFilter extends OncePerRequestFilter {
    private final long defaultMaxBody;
    private final java.util.List<BodyLimit> limits;

    RequestLimitsFilter(OctvexProperties properties, java.util.List<BodyLimit> limits) {
        this.defaultMaxBody = properties.api().maxBodySize().toBytes();
        this.limits = limits;
    }

    private long maxBody(HttpServletRequest request) {
        return limits.stream().map(l -> l.limitFor(request)).filter(java.util.OptionalLong::isPresent)
                .mapToLong(java.util.OptionalLong::getAsLong).max().orElse(defaultMaxBody);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String version = request.getHeader(ProtocolVersion.HEADER);
        if (version != null && !version.strip().equals(Integer.toString(ProtocolVersion.CURRENT))) {
            Problems.write(response, HttpStatus.BAD_REQUEST, "Unsupported protocol version",
                    "this server speaks Octvex protocol " + ProtocolVersion.CURRENT + ", the client sent '"
                            + version.strip() + "'; update the client or the server", request.getRequestURI());
            return;
        }
        long maxBody = maxBody(request);
        if (request.getContentLengthLong() > maxBody) {
            Problems.write(response, HttpStatus.CONTENT_TOO_LARGE, "Request body too large",
                    "the body is " + request.getContentLengthLong() + " bytes; the limit is " + maxBody,
                    request.getRequestURI());
            return;
        }
        chain.doFilter(new LimitedRequest(request, maxBody), response);
    }

    /** Caps a body sent without a length (chunked), so a stream cannot exceed the limit either. */
    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long max;

        LimitedRequest(HttpServletRequest request, long max) {
            super(request);
            this.max = max;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            ServletInputStream in = super.getInputStream();
            return new ServletInputStream() {
                private long read;

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0) {
                        count(1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int off, int len) throws IOException {
                    int n = in.read(buffer, off, len);
                    if (n > 0) {
                        count(n);
                    }
                    return n;
                }

                private void count(int n) throws IOException {
                    read += n;
                    if (read > max) {
                        throw new BodyTooLargeException(max);
                    }
                }

                @Override
                public boolean isFinished() {
                    return in.isFinished();
                }

                @Override
                public boolean isReady() {
                    return in.isReady();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    in.setReadListener(listener);
                }
            };
        }
    }
}
