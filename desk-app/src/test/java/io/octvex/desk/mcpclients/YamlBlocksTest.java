package io.octvex.desk.mcpclients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What the line editor refuses rather than guess at. */
class YamlBlocksTest {
    private final GooseExtensions goose = new GooseExtensions();
    private final ContinueServers continueServers = new ContinueServers();

    @Test
    void aFlowStyleSectionWithEntriesIsRefusedWithAMessage() {
        String flow = "extensions: {developer: {enabled: true, type: builtin}}\n";
        assertThatThrownBy(() -> goose.put(flow, goose.entry(ClientFormatsGoldenTest.TARGET, false)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not changed");
        String list = "mcpServers: [{name: fetch, command: uvx}]\n";
        assertThatThrownBy(() -> continueServers.put(list, continueServers.entry(ClientFormatsGoldenTest.TARGET, false)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("one-line list");
    }

    @Test
    void anEmptyFlowSectionBecomesABlock() {
        String text = "GOOSE_MODE: auto\nextensions: {}\n";
        String configured = goose.put(text, goose.entry(ClientFormatsGoldenTest.TARGET, false));
        assertThat(configured).startsWith("GOOSE_MODE: auto\nextensions:\n  octvex:\n");
        assertThat(goose.remove(configured)).isEqualTo(text);
    }

    @Test
    void aSectionThatIsNotAMappingIsSaidSo() {
        assertThatThrownBy(() -> goose.put("extensions: 3\n", goose.entry(ClientFormatsGoldenTest.TARGET, false)))
                .isInstanceOf(ConfigException.class).hasMessage("\"extensions\" is not a mapping");
    }
}
