package io.octvex.protocol;

import java.util.List;

/** The answer to a batch submit: one entry per submitted run, in order; {@code replayed} when its key was used before. */
public record SubmittedRuns(List<Entry> runs) {
    public record Entry(RunView run, boolean replayed) {}
}
