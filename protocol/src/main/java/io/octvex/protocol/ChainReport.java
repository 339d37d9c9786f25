package io.octvex.protocol;

import java.util.UUID;

/** The result of re-computing a workspace's hash chain; {@code brokenAtSeq} is the first bad row, if any. */
public record ChainReport(UUID workspaceId, boolean intact, long checked, Long brokenAtSeq, String reason) {}
