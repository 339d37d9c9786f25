package io.octvex.protocol;

import java.time.Instant;

/**
 * Where to send the person who authorises connection {@code name}: open {@code authorizationUrl} in a browser
 * before {@code expiresAt}; the provider sends them back to the server's callback, which completes it.
 */
public record OAuthAuthorization(String name, String authorizationUrl, String redirectUri, Instant expiresAt) {}
