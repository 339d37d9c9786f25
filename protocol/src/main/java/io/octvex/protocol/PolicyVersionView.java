package io.octvex.protocol;

import java.time.Instant;
import java.util.UUID;

public record PolicyVersionView(int version, String document, UUID authorId, Instant createdAt, boolean active,
                                int testCount) {}
