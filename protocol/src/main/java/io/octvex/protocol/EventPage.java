package io.octvex.protocol;

import java.util.List;

/** Events after a cursor; {@code lastSeq} is the cursor for the next page, {@code more} says whether to ask. */
public record EventPage(List<EventView> events, long lastSeq, boolean more) {}
