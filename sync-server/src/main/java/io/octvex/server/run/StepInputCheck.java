package io.octvex.server.run;

import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A feature's rule for the input of its handler's steps, applied to every submitted step before anything is
 * written (the {@code mcp} handler's steps must name a server the workspace registered, exactly as registered).
 * Lets a feature that submits runs add such a rule without this package depending on it.
 */
public interface StepInputCheck {
    /**
     * Refuses a step with an {@link io.octvex.server.web.ApiException} (400) saying why; {@code where} names the
     * step ({@code steps[0]}) for the message.
     */
    void check(UUID workspaceId, String where, String handler, JsonNode input);
}
