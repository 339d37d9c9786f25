package io.octvex.protocol;

public record CreateWorkspace(String name) {}
