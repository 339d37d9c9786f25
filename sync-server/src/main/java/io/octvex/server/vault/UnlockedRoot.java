package io.octvex.server.vault;

/** The root key this server unlocked the vault with at start, and the root term it belongs to. */
record UnlockedRoot(RootKey key, int term) {}
