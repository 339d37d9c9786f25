package io.octvex.protocol;

public record RenameWorkspace(String name) {}
