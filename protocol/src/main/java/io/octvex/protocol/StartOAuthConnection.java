package io.octvex.protocol;

import java.util.List;

/**
 * Starts the authorisation of connection {@code name} (which is also the name of the vault secret that will hold
 * its tokens) through the registered client {@code client}; {@code scopes} replace the client's scopes.
 * Starting it again for an existing connection re-authorises it.
 */
public record StartOAuthConnection(String client, String name, List<String> scopes) {}
