package io.octvex.protocol;

/** A file produced by a step (a screenshot, a download), base64 in JSON, bounded by the server's limit. */
public record ArtifactUpload(long epoch, String name, String contentType, String contentBase64) {}
