package io.octvex.desk.notify;

import io.octvex.desk.approvals.ApprovalItem;
import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The Desk's OS notifications and tray icon, chosen at run time: a notification server on the D-Bus session
 * bus (with Approve / Deny actions) when there is one; else the AWT tray's messages where AWT has a tray;
 * else none (said once in the log). The tray icon with the pending count is there wherever AWT has a tray;
 * {@link #trayShowsCount()} tells the window to show the count in its title when not.
 */
public final class DeskNotifications implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DeskNotifications.class.getName());

    /** What the user's choice on a notification does; may run on any thread. */
    public interface Actions {
        /** The click on the notification (or the tray icon): the Desk in front, on {@code item} (null: none). */
        void open(ApprovalItem item);

        /** "Approve": one vote through the API (only for approvals that need no security key). */
        void approve(ApprovalItem item);

        /**
         * "Approve with security key…": the approval's rule asks for a step-up, so the server's ceremony page
         * opens in the system browser, as the Approvals screen's A does (a plain vote would be refused).
         * Unless overridden, the Desk opens on the approval, where A does that.
         */
        default void approveWithSecurityKey(ApprovalItem item) {
            open(item);
        }

        /** "Deny": a denial needs a reason, so the Desk opens on the item and asks for it. */
        void deny(ApprovalItem item);
    }

    private final Notifier notifier;
    private final AwtTray tray;
    private final BooleanSupplier enabled;
    /** Announced and still pending; touched only by {@link #loaded}, which the model calls serially. */
    private final Set<UUID> announced = new HashSet<>();

    DeskNotifications(Notifier notifier, AwtTray tray, BooleanSupplier enabled) {
        this.notifier = notifier;
        this.tray = tray;
        this.enabled = enabled;
    }

    /**
     * Picks what this system offers. Blocking (it asks the session bus), so call it off the FX thread.
     *
     * @param env the environment ({@code DBUS_SESSION_BUS_ADDRESS} names the session bus)
     * @param enabled the user's notifications on/off setting, read for every approval
     */
    public static DeskNotifications choose(Map<String, String> env, Actions actions, BooleanSupplier enabled) {
        AwtTray tray = AwtTray.install(actions);
        Notifier notifier = dbus(env.get("DBUS_SESSION_BUS_ADDRESS"), actions);
        if (notifier == null) {
            notifier = tray != null ? tray : Notifier.NONE;
        }
        var chosen = new DeskNotifications(notifier, tray, enabled);
        LOG.log(Level.INFO, "Desk notifications: " + notifier.describe() + "; tray icon: "
                + (tray != null ? "yes" : "none, the window title shows the pending count"));
        return chosen;
    }

    private static Notifier dbus(String address, Actions actions) {
        if (address == null || address.isBlank()) {
            return null;
        }
        try {
            return DbusNotifier.connect(address, actions);
        } catch (Exception | LinkageError e) {
            LOG.log(Level.INFO, "No notification server on the session bus (" + e.getMessage() + ")");
            return null;
        }
    }

    /** "D-Bus … with actions", "AWT tray message (no actions)" or "none". */
    public String describe() {
        return notifier.describe();
    }

    /** Whether a tray icon shows the pending count (else the window title should). */
    public boolean trayShowsCount() {
        return tray != null;
    }

    /**
     * After each load of the inbox (an {@code ApprovalsModel.Listener}, off the FX thread): one notification
     * for each of {@code fresh} unless notifications are off, the tray's count, and the notifications of
     * approvals that are no longer pending (decided elsewhere, expired) are taken back.
     */
    public void loaded(List<ApprovalItem> pending, List<ApprovalItem> fresh) {
        for (ApprovalItem item : fresh) {
            if (announced.add(item.id()) && enabled.getAsBoolean()) {
                notifier.show(Alert.of(item));
            }
        }
        if (tray != null) {
            tray.count(pending.size());
        }
        Set<UUID> open = new HashSet<>();
        pending.forEach(i -> open.add(i.id()));
        for (var it = announced.iterator(); it.hasNext(); ) {
            UUID id = it.next();
            if (!open.contains(id)) {
                it.remove();
                notifier.withdraw(id);
            }
        }
    }

    @Override
    public void close() {
        notifier.close();
        if (tray != null && tray != notifier) {
            tray.close();
        }
    }
}
