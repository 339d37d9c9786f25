package io.octvex.protocol;

import java.util.List;

/** A page of runs, newest first; pass {@code nextBefore} as {@code before} for the next page. */
public record RunPage(List<RunView> runs, String nextBefore) {}
