package io.octvex.protocol;

import java.util.UUID;

public record LeaseRef(UUID stepId, long epoch) {}
