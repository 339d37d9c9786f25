package io.octvex.protocol;

/** Asks for a one-time pairing code; {@code username} empty means "for me". */
public record CreatePairingCode(String username) {}
