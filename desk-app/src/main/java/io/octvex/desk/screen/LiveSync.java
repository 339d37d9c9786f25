package io.octvex.desk.screen;

import atlantafx.base.theme.Styles;
import javafx.scene.control.Label;

/** Where a screen's live event stream stands, and how the header shows it. */
public enum LiveSync {
    CONNECTING, LIVE, OFFLINE;

    /** Renders the state into {@code label}: "● Live", "○ Connecting…", "● Offline, stale". */
    public void showIn(Label label) {
        label.getStyleClass().removeAll(Styles.SUCCESS, Styles.WARNING, Styles.DANGER);
        switch (this) {
            case LIVE -> {
                label.setText("● Live");
                label.getStyleClass().add(Styles.SUCCESS);
            }
            case CONNECTING -> {
                label.setText("○ Connecting…");
                label.getStyleClass().add(Styles.WARNING);
            }
            case OFFLINE -> {
                label.setText("● Offline, stale");
                label.getStyleClass().add(Styles.DANGER);
            }
        }
    }
}
