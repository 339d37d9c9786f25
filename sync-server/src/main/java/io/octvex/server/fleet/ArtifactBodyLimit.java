package io.octvex.server.fleet;

import io.octvex.server.web.BodyLimit;
import jakarta.servlet.http.HttpServletRequest;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Artifact uploads travel as base64 in JSON, a third larger than the file: their endpoint accepts bodies up
 * to that size (plus room for the other fields), so the artifact limit itself decides, with its own 413.
 */
@Component
class ArtifactBodyLimit implements BodyLimit {
    private static final Pattern UPLOAD = Pattern.compile("/api/v1/edge/steps/[^/]+/artifacts");
    private final long limit;

    ArtifactBodyLimit(FleetProperties properties) {
        this.limit = properties.maxArtifactSize().toBytes() / 3 * 4 + 64 * 1024;
    }

    @Override
    public OptionalLong limitFor(HttpServletRequest request) {
        return UPLOAD.matcher(request.getRequestURI()).matches() ? OptionalLong.of(limit) : OptionalLong.empty();
    }
}
