package io.octvex.protocol;

/** RFC 9457 problem details: the one error body of every 4xx and 5xx answer. */
public record Problem(String type, String title, int status, String detail, String instance) {}
