package io.octvex.protocol;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A registered OAuth client; its secret, if it has one, is the vault secret {@code clientSecretName}. */
public record OAuthClientView(UUID id, UUID workspaceId, String name, String provider, String clientId,
                              String clientSecretName, String authorizationEndpoint, String tokenEndpoint,
                              String revocationEndpoint, List<String> scopes, Instant createdAt, UUID createdBy) {}
