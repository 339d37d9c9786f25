package io.octvex.desk.notify;

import io.octvex.desk.approvals.ApprovalItem;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/**
 * Linux (and other freedesktop desktops): {@code org.freedesktop.Notifications} on the session bus, with
 * Open / Approve / Deny actions when the server says it supports actions ("Approve with security key…" when
 * the approval's rule asks for a step-up). The click on the notification itself is the {@code "default"}
 * action: open the Desk on the approval.
 */
final class DbusNotifier implements Notifier {
    private static final System.Logger LOG = System.getLogger(DbusNotifier.class.getName());
    static final String APP_NAME = "Octvex Desk";
    static final String APPROVE_WITH_KEY = "approve-security-key";

    private final DBusConnection bus;
    private final Notifications server;
    private final boolean actions;
    private final boolean markup;
    private final DeskNotifications.Actions handler;
    /** Shown and not yet closed: the server's id → the approval. */
    private final Map<UInt32, ApprovalItem> shown = new ConcurrentHashMap<>();
    private final List<AutoCloseable> handlers = new ArrayList<>();

    private DbusNotifier(DBusConnection bus, Notifications server, List<String> capabilities,
                         DeskNotifications.Actions handler) {
        this.bus = bus;
        this.server = server;
        this.actions = capabilities.contains("actions");
        this.markup = capabilities.contains("body-markup");
        this.handler = handler;
    }

    /**
     * Connects to the bus at {@code address} and asks the notification server for its capabilities, which
     * also proves one is there.
     *
     * @throws DBusException when there is no bus or no notification server on it
     */
    static DbusNotifier connect(String address, DeskNotifications.Actions handler) throws DBusException {
        DBusConnection bus = DBusConnectionBuilder.forAddress(address).withShared(false).build();
        try {
            Notifications server = bus.getRemoteObject(Notifications.BUS_NAME, Notifications.OBJECT_PATH,
                    Notifications.class);
            var notifier = new DbusNotifier(bus, server, server.GetCapabilities(), handler);
            notifier.handlers.add(bus.addSigHandler(Notifications.ActionInvoked.class, notifier::onAction));
            notifier.handlers.add(bus.addSigHandler(Notifications.NotificationClosed.class,
                    s -> notifier.shown.remove(s.getId())));
            return notifier;
        } catch (DBusException | RuntimeException e) {
            bus.disconnect();
            throw e instanceof DBusException d ? d : new DBusException(e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "D-Bus org.freedesktop.Notifications" + (actions ? " with Open/Approve/Deny actions" : " (no actions)");
    }

    /** Synchronized with {@link #onAction}: a signal for this id may come in before Notify's reply. */
    @Override
    public synchronized void show(Alert alert) {
        List<String> keys = actions ? actionKeys(alert.item()) : List.of();
        Map<String, Variant<?>> hints = Map.of(
                "urgency", new Variant<>((byte) 1),
                "category", new Variant<>("x-octvex.approval"),
                "desktop-entry", new Variant<>("octvex-desk"));
        try {
            UInt32 id = server.Notify(APP_NAME, new UInt32(0), "dialog-question", alert.summary(),
                    markup ? escape(alert.body()) : alert.body(), keys, hints, -1);
            shown.put(id, alert.item());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The notification server refused a notification: " + e.getMessage());
        }
    }

    @Override
    public void withdraw(UUID approvalId) {
        shown.forEach((id, item) -> {
            if (item.id().equals(approvalId) && shown.remove(id) != null) {
                try {
                    server.CloseNotification(id);
                } catch (RuntimeException e) {
                    // already gone on the server's side
                }
            }
        });
    }

    private synchronized void onAction(Notifications.ActionInvoked signal) {
        ApprovalItem item = shown.get(signal.getId());
        if (item == null) {
            return; // another application's notification, or one already handled
        }
        dispatch(signal.getActionKey(), item, handler);
    }

    /**
     * The actions (key, label pairs) offered for an approval: a step-up approval offers "Approve with
     * security key…" instead of a plain Approve, which the server would refuse.
     */
    static List<String> actionKeys(ApprovalItem item) {
        return item.needsSecurityKey()
                ? List.of("default", "Open", APPROVE_WITH_KEY, "Approve with security key…", "deny", "Deny…")
                : List.of("default", "Open", "approve", "Approve", "deny", "Deny…");
    }

    /**
     * What an action does. A plain "approve" for a step-up approval (a notification shown before the rule
     * asked for one, or a server that offers actions it was not given) goes to the ceremony too.
     */
    static void dispatch(String actionKey, ApprovalItem item, DeskNotifications.Actions handler) {
        switch (actionKey) {
            case "approve", APPROVE_WITH_KEY -> {
                if (item.needsSecurityKey()) {
                    handler.approveWithSecurityKey(item);
                } else {
                    handler.approve(item);
                }
            }
            case "deny" -> handler.deny(item);
            default -> handler.open(item);
        }
    }

    /** The body is markup when the server says so: the run's title and message are plain text. */
    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public void close() {
        for (AutoCloseable h : handlers) {
            try {
                h.close();
            } catch (Exception e) {
                // the bus is going away anyway
            }
        }
        bus.disconnect();
    }
}
