package io.octvex.desk.settings;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The settings screen's state: the settings in force ({@code settings}, shared with the rest of the Desk, which
 * reads e.g. the notifications flag from it), what the OS prefers, and whether the last save worked. Every change is saved at once and the theme applied through {@code applyDark} (on {@code fx}); the
 * file write and the OS question run on {@code io}.
 */
final class SettingsModel {
    /** One line of the status bar; {@code problem} when it reports a failure. */
    record Notice(String text, boolean problem) {}

    private final SettingsStore store;
    private final OsAppearance os;
    private final Executor io;
    private final Executor fx;
    private final Consumer<Boolean> applyDark;
    private final ObjectProperty<DeskSettings> settings;
    private final ReadOnlyStringWrapper osNote = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<Notice> notice = new ReadOnlyObjectWrapper<>(new Notice("", false));

    SettingsModel(SettingsStore store, OsAppearance os, Executor io, Executor fx, Consumer<Boolean> applyDark,
                  ObjectProperty<DeskSettings> settings) {
        this.store = store;
        this.os = os;
        this.io = io;
        this.fx = fx;
        this.applyDark = applyDark;
        this.settings = settings;
    }

    ReadOnlyObjectProperty<DeskSettings> settingsProperty() {
        return settings;
    }

    /** What the OS prefers, in words. */
    ReadOnlyStringProperty osNoteProperty() {
        return osNote.getReadOnlyProperty();
    }

    ReadOnlyObjectProperty<Notice> noticeProperty() {
        return notice.getReadOnlyProperty();
    }

    /** Asks the OS what it prefers (for the note); changes nothing. */
    void detect() {
        io.execute(() -> {
            String said = describe(os.prefersDark().orElse(null));
            fx.execute(() -> osNote.set(said));
        });
    }

    void chooseTheme(DeskSettings.ThemeChoice choice) {
        change(settings.get().withTheme(choice), true);
    }

    void setNotifications(boolean on) {
        change(settings.get().withNotifications(on), false);
    }

    private void change(DeskSettings next, boolean themeChanged) {
        if (next.equals(settings.get())) {
            return;
        }
        settings.set(next);
        io.execute(() -> {
            Boolean osDark = next.theme() == DeskSettings.ThemeChoice.SYSTEM ? os.prefersDark().orElse(null) : null;
            boolean dark = SettingsScreen.dark(next.theme(), osDark);
            Notice saved;
            try {
                store.save(next);
                saved = new Notice("Saved in " + store.file() + ".", false);
            } catch (IOException e) {
                saved = new Notice("Could not save the settings to " + store.file() + " ("
                        + e.getClass().getSimpleName() + "); they apply until the Desk closes.", true);
            }
            Notice result = saved;
            fx.execute(() -> {
                if (themeChanged) {
                    applyDark.accept(dark);
                }
                if (next.theme() == DeskSettings.ThemeChoice.SYSTEM) {
                    osNote.set(describe(osDark));
                }
                notice.set(result);
            });
        });
    }

    private static String describe(Boolean osDark) {
        return osDark == null ? "The system's preference cannot be read here; following the system means light."
                : "The system prefers " + (osDark ? "dark." : "light.");
    }
}
