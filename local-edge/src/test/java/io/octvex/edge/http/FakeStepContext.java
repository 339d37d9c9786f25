package io.octvex.edge.http;

import io.octvex.edge.handler.StepContext;
import io.octvex.protocol.Lease;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** A step context for handler tests: no server, optional cancellation. */
final class FakeStepContext implements StepContext {
    private final JsonNode input;
    volatile boolean cancelled;
    /** Every action the handler asked the gate about, as "METHOD url". */
    final java.util.List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** URLs (prefixes) the fake gate refuses. */
    final java.util.Set<String> refuse = new java.util.concurrent.CopyOnWriteArraySet<>();
    /** The lease's credentials and the (opened) material each redeems to. */
    volatile java.util.List<io.octvex.protocol.CredentialRef> credentials = java.util.List.of();
    final java.util.Map<UUID, String> materials = new java.util.concurrent.ConcurrentHashMap<>();
    private final UUID stepId = UUID.randomUUID();

    FakeStepContext(JsonNode input) {
        this.input = input;
    }

    @Override
    public Lease lease() {
        return new Lease(UUID.randomUUID(), UUID.randomUUID(), stepId, "call", "http", "call", input, 1, 1,
                Instant.now().plusSeconds(30), null, credentials);
    }

    @Override
    public JsonNode input() {
        return input;
    }

    @Override
    public Path workDir() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    @Override
    public void progress(String message, Integer percent, JsonNode data) {}

    @Override
    public void checkpoint(String summary, JsonNode state) {}

    @Override
    public String artifact(String name, String contentType, byte[] content) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void authorize(String action, String resource, String method, java.util.List<String> headerNames)
            throws io.octvex.edge.handler.StepFailure {
        asked.add(method + " " + resource);
        if (refuse.stream().anyMatch(resource::startsWith)) {
            throw new io.octvex.edge.handler.StepFailure("denied by policy ('test'): not " + resource);
        }
    }

    @Override
    public byte[] credential(io.octvex.protocol.CredentialRef ref) throws io.octvex.edge.handler.StepFailure {
        String material = materials.get(ref.leaseId());
        if (material == null) {
            throw new io.octvex.edge.handler.StepFailure("credential '" + ref.secret() + "' was revoked");
        }
        return material.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public boolean cancelled() {
        return cancelled;
    }
}
