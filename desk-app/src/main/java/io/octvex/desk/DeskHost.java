package io.octvex.desk;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the Desk takes from its surroundings: the environment (the D-Bus session bus address), where it keeps
 * its cache ({@code null}: nowhere), and how to bring its window to the front.
 */
public record DeskHost(Map<String, String> env, Path dataDir, Runnable raise) {

    /** No notifications and no cache: what tests that are about something else want. */
    public static DeskHost none() {
        return new DeskHost(Map.of(), null, () -> {});
    }
}
