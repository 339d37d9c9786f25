package io.octvex.protocol;

public record CancelRun(String reason) {}
