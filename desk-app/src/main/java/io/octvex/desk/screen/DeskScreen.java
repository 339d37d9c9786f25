package io.octvex.desk.screen;

import atlantafx.base.theme.Styles;
import java.util.function.Function;
import javafx.geometry.Insets;
import javafx.scene.control.Label;

/**
 * One entry of the Desk's sidebar: a stable {@code id} (used for node ids, {@code nav-<id>}), the name shown,
 * an optional glyph (a character drawn before the name; empty for none) and the factory that builds the screen
 * for a workspace. Screens are built when first opened (the home screen at once) and closed on a workspace
 * switch.
 */
public record DeskScreen(String id, String title, String glyph, Function<ScreenContext, Screen> factory) {
    public DeskScreen {
        if (id == null || id.isBlank() || title == null || title.isBlank() || factory == null) {
            throw new IllegalArgumentException("a screen needs an id, a title and a factory");
        }
        glyph = glyph == null ? "" : glyph;
    }

    /** A screen that only shows {@code text}: for entries built elsewhere. */
    public static DeskScreen placeholder(String id, String title, String glyph, String text) {
        return new DeskScreen(id, title, glyph, context -> {
            var label = new Label(text);
            label.setWrapText(true);
            label.getStyleClass().add(Styles.TEXT_MUTED);
            label.setPadding(new Insets(24));
            label.setId("placeholder-" + id);
            return () -> label;
        });
    }
}
