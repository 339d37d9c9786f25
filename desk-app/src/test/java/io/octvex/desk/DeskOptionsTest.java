package io.octvex.desk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class DeskOptionsTest {
    @Test
    void defaultsLeaveTheServerToTheLocator() {
        var options = DeskOptions.parse();

        assertThat(options.server()).isNull();
        assertThat(options.theme()).isNull(); // the saved setting decides
    }

    @Test
    void acceptsBothSeparateAndInlineValues() {
        assertThat(DeskOptions.parse("--server", "http://10.0.0.5:7700/", "--theme=dark"))
                .isEqualTo(new DeskOptions(URI.create("http://10.0.0.5:7700"), DeskOptions.Theme.DARK));
        assertThat(DeskOptions.parse("--server=http://h:1", "--theme", "light"))
                .isEqualTo(new DeskOptions(URI.create("http://h:1"), DeskOptions.Theme.LIGHT));
    }

    @Test
    void refusesWhatItDoesNotKnow() {
        assertThatThrownBy(() -> DeskOptions.parse("--theme=blue")).hasMessageContaining("light or dark");
        assertThatThrownBy(() -> DeskOptions.parse("--theme")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> DeskOptions.parse("--fullscreen")).hasMessageContaining("unknown argument");
    }
}
