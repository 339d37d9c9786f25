package io.octvex.protocol;

/** An edge redeems a credential lease of a step it holds at {@code epoch}. */
public record RedeemCredential(long epoch) {}
