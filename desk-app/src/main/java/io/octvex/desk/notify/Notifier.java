package io.octvex.desk.notify;

import java.util.UUID;

/** One way of raising OS notifications, chosen at run time by {@link DeskNotifications}. */
interface Notifier extends AutoCloseable {
    /** What the user gets, for the log and the docs: "D-Bus (with actions)", "AWT tray", "none". */
    String describe();

    /** Raises it; called off the FX thread, may block briefly. */
    void show(Alert alert);

    /** Takes back the notification of an approval that is no longer pending, where the platform can. */
    default void withdraw(UUID approvalId) {}

    @Override
    default void close() {}

    /** No notifications: nothing on this system can show them. */
    Notifier NONE = new Notifier() {
        @Override
        public String describe() {
            return "none";
        }

        @Override
        public void show(Alert alert) {}
    };
}
