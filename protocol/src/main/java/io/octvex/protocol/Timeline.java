package io.octvex.protocol;

import java.util.List;
import java.util.UUID;

/** A run's timeline, rebuilt from the event log alone. */
public record Timeline(UUID runId, RunStatus status, List<TimelineEntry> entries) {}
