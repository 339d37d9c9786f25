package io.octvex.desk.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.beans.property.SimpleObjectProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings: persisted in a small file, bad files never lose the Desk, the theme follows the OS when asked. */
class SettingsModelTest {
    @TempDir
    Path dir;

    @Test
    void aChangeIsSavedAndReadBackByAFreshStore() throws Exception {
        var store = new SettingsStore(dir.resolve("octvex/desk.properties"));
        assertThat(store.load()).isEqualTo(new SettingsStore.Loaded(DeskSettings.DEFAULTS, null));
        List<Boolean> applied = new ArrayList<>();
        var settings = new SimpleObjectProperty<>(DeskSettings.DEFAULTS);
        var model = new SettingsModel(store, () -> Optional.of(true), Runnable::run, Runnable::run, applied::add,
                settings);

        model.chooseTheme(DeskSettings.ThemeChoice.LIGHT);
        model.setNotifications(false);

        assertThat(applied).containsExactly(false);
        assertThat(settings.get()).isEqualTo(new DeskSettings(DeskSettings.ThemeChoice.LIGHT, false));
        assertThat(new SettingsStore(store.file()).load().settings())
                .isEqualTo(new DeskSettings(DeskSettings.ThemeChoice.LIGHT, false));
        assertThat(Files.readString(store.file())).contains("theme=light").contains("notifications=false");
        assertThat(model.noticeProperty().get().text()).isEqualTo("Saved in " + store.file() + ".");
    }

    @Test
    void followingTheSystemAppliesWhatTheOsPrefersAndSaysWhenItCannotTell() {
        var store = new SettingsStore(dir.resolve("desk.properties"));
        List<Boolean> applied = new ArrayList<>();
        var settings = new SimpleObjectProperty<>(new DeskSettings(DeskSettings.ThemeChoice.LIGHT, true));
        var dark = new SettingsModel(store, () -> Optional.of(true), Runnable::run, Runnable::run, applied::add,
                settings);
        dark.chooseTheme(DeskSettings.ThemeChoice.SYSTEM);
        assertThat(applied).containsExactly(true);
        assertThat(dark.osNoteProperty().get()).isEqualTo("The system prefers dark.");

        var unknown = new SettingsModel(store, Optional::empty, Runnable::run, Runnable::run, applied::add,
                new SimpleObjectProperty<>(DeskSettings.DEFAULTS));
        unknown.detect();
        assertThat(unknown.osNoteProperty().get()).startsWith("The system's preference cannot be read here");
        assertThat(SettingsScreen.dark(DeskSettings.ThemeChoice.SYSTEM, null)).isFalse();
    }

    @Test
    void aBadFileFallsBackToTheDefaultsWithASentence() throws Exception {
        Path file = dir.resolve("desk.properties");
        Files.writeString(file, "theme=purple\nnotifications=maybe\n");
        SettingsStore.Loaded loaded = new SettingsStore(file).load();
        assertThat(loaded.settings()).isEqualTo(DeskSettings.DEFAULTS);
        assertThat(loaded.problem()).contains("notifications in " + file + " must be true or false");
    }

    @Test
    void aSaveThatCannotBeWrittenIsSaidAndTheChoiceStillApplies() throws Exception {
        Path blocker = dir.resolve("not-a-folder");
        Files.writeString(blocker, "x");
        var settings = new SimpleObjectProperty<>(DeskSettings.DEFAULTS);
        var model = new SettingsModel(new SettingsStore(blocker.resolve("desk.properties")), Optional::empty,
                Runnable::run, Runnable::run, dark -> {}, settings);
        model.setNotifications(false);
        assertThat(settings.get().notifications()).isFalse();
        assertThat(model.noticeProperty().get().problem()).isTrue();
        assertThat(model.noticeProperty().get().text()).contains("they apply until the Desk closes");
    }

    @Test
    void theConfigFolderFollowsEachOsConvention() {
        Path home = Path.of("/home/ada");
        assertThat(SettingsStore.configDir("Linux", Map.of(), home)).isEqualTo(Path.of("/home/ada/.config/octvex"));
        assertThat(SettingsStore.configDir("Linux", Map.of("XDG_CONFIG_HOME", "/cfg"), home))
                .isEqualTo(Path.of("/cfg/octvex"));
        assertThat(SettingsStore.configDir("Mac OS X", Map.of(), home))
                .isEqualTo(Path.of("/home/ada/Library/Application Support/Octvex"));
        assertThat(SettingsStore.configDir("Windows 11", Map.of("APPDATA", "/appdata"), home))
                .isEqualTo(Path.of("/appdata/Octvex"));
    }

    @Test
    void theBundledEdgeSwitchIsSavedAndSurvivesOtherChanges() throws Exception {
        var store = new SettingsStore(dir.resolve("desk.properties"));
        store.save(DeskSettings.DEFAULTS.withBundledEdge(true));
        assertThat(store.load().settings().bundledEdge()).isTrue();
        var settings = new SimpleObjectProperty<>(store.load().settings());
        new SettingsModel(store, Optional::empty, Runnable::run, Runnable::run, dark -> {}, settings)
                .chooseTheme(DeskSettings.ThemeChoice.DARK);
        assertThat(new SettingsStore(store.file()).load().settings())
                .isEqualTo(new DeskSettings(DeskSettings.ThemeChoice.DARK, true, true));

        Files.writeString(store.file(), "bundledEdge=sometimes\n");
        SettingsStore.Loaded bad = store.load();
        assertThat(bad.settings().bundledEdge()).isFalse();
        assertThat(bad.problem()).contains("bundledEdge in " + store.file() + " must be true or false");
    }
}
