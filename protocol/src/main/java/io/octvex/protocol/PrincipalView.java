package io.octvex.protocol;

import java.time.Instant;
import java.util.UUID;

public record PrincipalView(UUID id, PrincipalKind kind, String name, String displayName, boolean instanceAdmin,
                            Instant createdAt) {}
