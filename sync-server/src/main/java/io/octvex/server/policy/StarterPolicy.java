package io.octvex.server.policy;

import io.octvex.protocol.SavePolicy;
import io.octvex.server.workspace.WorkspaceCreated;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Gives every new workspace an active policy (version 1, authored by its owner, saved in the creating
 * transaction), so runs work out of the box and the rules are visible and editable from the start. Without
 * it every action would be denied by default and nothing would say why a fresh install cannot do anything.
 */
@Component
class StarterPolicy {
    static final String RESOURCE = "/policy/starter-policy.yaml";

    private final Policies policies;
    private final String document;

    StarterPolicy(Policies policies) {
        this.policies = policies;
        try (InputStream in = StarterPolicy.class.getResourceAsStream(RESOURCE)) {
            this.document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @EventListener
    void on(WorkspaceCreated created) {
        policies.save(created.workspaceId(), created.ownerId(), new SavePolicy(document, true));
    }
}
