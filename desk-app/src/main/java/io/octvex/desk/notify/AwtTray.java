package io.octvex.desk.notify;

import io.octvex.desk.approvals.ApprovalItem;
import java.awt.AWTException;
import java.awt.Color;
import java.awt.EventQueue;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.awt.image.BufferedImage;

/**
 * The tray / menu-bar icon (AWT {@link SystemTray}): the pending count drawn on the icon and in its tooltip,
 * and {@link TrayIcon#displayMessage} as the portable notification (no actions; a click on the icon or, where
 * the platform reports it, on the message opens the Desk on the last approval announced).
 */
final class AwtTray implements Notifier {
    private final TrayIcon icon;
    private final int size;
    private volatile ApprovalItem last;

    private AwtTray(TrayIcon icon, int size) {
        this.icon = icon;
        this.size = size;
    }

    /** The tray icon, or null where AWT has no system tray (headless, GNOME without an extension). */
    static AwtTray install(DeskNotifications.Actions handler) {
        try {
            if (java.awt.GraphicsEnvironment.isHeadless() || !SystemTray.isSupported()) {
                return null;
            }
            SystemTray tray = SystemTray.getSystemTray();
            int size = Math.max(16, tray.getTrayIconSize().height);
            var icon = new TrayIcon(render(0, size), "Octvex Desk");
            icon.setImageAutoSize(true);
            var awt = new AwtTray(icon, size);
            icon.addActionListener(e -> handler.open(awt.last));
            tray.add(icon);
            return awt;
        } catch (AWTException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    @Override
    public String describe() {
        return "AWT tray message (no actions)";
    }

    @Override
    public void show(Alert alert) {
        last = alert.item();
        EventQueue.invokeLater(() -> icon.displayMessage(alert.summary(), alert.body(), TrayIcon.MessageType.INFO));
    }

    void count(int pending) {
        EventQueue.invokeLater(() -> {
            icon.setImage(render(pending, size));
            icon.setToolTip(pending == 0 ? "Octvex Desk: nothing pending" : "Octvex Desk: " + pending + " pending");
        });
    }

    @Override
    public void close() {
        EventQueue.invokeLater(() -> SystemTray.getSystemTray().remove(icon));
    }

    /** A dark disc; with a count, an amber badge with the number ("99+" past 99). */
    static BufferedImage render(int pending, int size) {
        var image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(pending == 0 ? new Color(0x57606a) : new Color(0xbf8700));
        g.fillOval(0, 0, size - 1, size - 1);
        if (pending > 0) {
            String text = pending > 99 ? "99+" : Integer.toString(pending);
            g.setColor(Color.WHITE);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, (int) (size * (text.length() > 2 ? 0.42 : 0.6))));
            var metrics = g.getFontMetrics();
            g.drawString(text, (size - metrics.stringWidth(text)) / 2, (size - metrics.getHeight()) / 2 + metrics.getAscent());
        }
        g.dispose();
        return image;
    }
}
