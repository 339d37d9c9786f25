package io.octvex.protocol;

import java.time.Instant;
import java.util.UUID;

/**
 * The gate's answer to an edge about one action of a running step: {@code allow}, {@code deny} (the edge
 * fails the step with {@code reason}) or {@code require_approval} (the step is blocked; the edge waits for
 * approval {@code approvalId} until {@code expiresAt}). Waiting for an approval answers the same record:
 * {@code allow} once approved, {@code deny} once denied, expired or cancelled.
 */
public record ActionVerdict(String effect, String reason, UUID approvalId, Instant expiresAt) {}
