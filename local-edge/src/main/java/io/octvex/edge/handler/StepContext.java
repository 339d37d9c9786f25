package io.octvex.edge.handler;

import io.octvex.protocol.Lease;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;

/** What a handler gets for one leased step: its input, a work folder, and ways to report as it goes. */
public interface StepContext {
    Lease lease();

    /** The step's input (never null; {@code {}} when the step has none). */
    JsonNode input();

    /** A private folder for this step, removed after the step ends. */
    Path workDir();

    void progress(String message, Integer percent, JsonNode data);

    /** A rolling checkpoint: the next attempt after a lost edge starts from the last one. */
    void checkpoint(String summary, JsonNode state);

    /** Uploads a file (a screenshot, a download) and returns its id; refused above the server's size limit. */
    String artifact(String name, String contentType, byte[] content);

    /**
     * Asks the gate before an action the step's input did not name (a redirect to another URL, a navigation):
     * returns when it may go ahead — at once, or after the approval it needed was granted (the step waits,
     * blocked, for as long as the approval stands). Throws {@link StepFailure} when it may not: refused by
     * policy, or its approval was denied or expired (then the server has already failed the step, and
     * nothing more is reported). Header names only: values never leave the edge.
     */
    void authorize(String action, String resource, String method, java.util.List<String> headerNames)
            throws StepFailure;

    /**
     * The material of one of the lease's credentials ({@code lease().credentials()}), redeemed from the server
     * just now and opened with this edge's key: UTF-8 JSON the caller parses and then wipes. Throws
     * {@link StepFailure} when it cannot be had (revoked, the secret is missing or unusable for its use) —
     * the message never contains material.
     */
    byte[] credential(io.octvex.protocol.CredentialRef ref) throws StepFailure;

    /** True once the lease is lost or the run cancelled: stop promptly, nothing more will be accepted. */
    boolean cancelled();
}
