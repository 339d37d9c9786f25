package io.octvex.protocol;

/**
 * An approver's answer. {@code reason} is required to deny and optional to approve (at most 500 characters).
 * {@code grantMinutes} (1–1440, approve only) asks to allow the same action for the rest of the run for that
 * long; the grant holds only when every approving vote asked for one, and then for the shortest asked.
 */
public record DecideApproval(String reason, Integer grantMinutes) {}
