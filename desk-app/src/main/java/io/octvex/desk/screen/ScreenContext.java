package io.octvex.desk.screen;

import io.octvex.desk.connect.DeskSession;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a screen is built with: who acts where ({@code session}), virtual threads for server calls
 * ({@code io}), the FX thread ({@code fx}), one shared timer for debounced or periodic work, and the clock.
 */
public record ScreenContext(DeskSession session, Executor io, Executor fx, ScheduledExecutorService timer,
                            Clock clock) {}
