package io.octvex.desk;

import java.time.Instant;
import javafx.application.Platform;
import javafx.scene.Scene;

/**
 * Time to interactive, for {@code bench/desk-startup.sh}: once the first frame of the first screen has been laid
 * out and the FX thread takes events again, logs the time since the process started and sets the system property
 * {@value #PROPERTY} to that moment (epoch milliseconds), so an in-process driver can read it.
 */
final class Startup {
    static final String PROPERTY = "octvex.desk.interactiveAt";

    private Startup() {}

    /** Call before the stage is shown (FX thread). */
    static void whenInteractive(Scene scene) {
        Runnable[] once = new Runnable[1];
        once[0] = () -> {
            scene.removePostLayoutPulseListener(once[0]);
            Platform.runLater(() -> {
                Instant now = Instant.now();
                System.setProperty(PROPERTY, Long.toString(now.toEpochMilli()));
                ProcessHandle.current().info().startInstant().ifPresent(started -> System.err.println(
                        "octvex-desk: interactive " + (now.toEpochMilli() - started.toEpochMilli())
                                + " ms after the process started"));
            });
        };
        scene.addPostLayoutPulseListener(once[0]);
    }
}
