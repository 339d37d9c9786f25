package io.octvex.desk.screen;

import javafx.beans.value.ObservableValue;
import javafx.scene.Node;

/**
 * One open screen of the Desk: its view, an optional badge for the sidebar, and what to do when it is shown,
 * hidden or closed (a workspace switch or the window closing closes every screen).
 */
public interface Screen extends AutoCloseable {
    Node view();

    /** A short text next to the screen's name in the sidebar (e.g. the pending count), or null for none. */
    default ObservableValue<String> badge() {
        return null;
    }

    /** Called on the FX thread when the screen becomes (in)visible: start or stop work only worth doing while seen. */
    default void shown(boolean visible) {}

    @Override
    default void close() {}
}
