package io.octvex.edge.browser;

import static io.octvex.edge.browser.BrowserFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.octvex.edge.handler.StepFailure;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Input validation and configuration, without a browser. */
class BrowserStepTest {
    private static final BrowserConfig CONFIG = BrowserConfig.defaults(Path.of("target", "unused-edge-home"));

    @Test
    void parsesEveryActionWithDefaults() throws StepFailure {
        BrowserStep step = BrowserStep.parse(json("""
                {"actions": [
                  {"goto": "https://example.com/a?b=c"}, {"click": "#go"}, {"fill": "#q", "value": ""},
                  {"wait": ".done"}, {"wait": 250}, {"extract": "h1", "as": "heading"},
                  {"screenshot": "page"}, {"screenshot": "whole", "fullPage": true}
                ]}"""), CONFIG);

        assertThat(step.provider()).isEqualTo(Provider.LOCAL);
        assertThat(step.sandbox()).isEqualTo(BrowserStep.Sandbox.TRANSIENT);
        assertThat(step.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(step.actions()).containsExactly(
                new BrowserStep.Goto(URI.create("https://example.com/a?b=c")), new BrowserStep.Click("#go"),
                new BrowserStep.Fill("#q", ""), new BrowserStep.WaitFor(".done"), new BrowserStep.Pause(250),
                new BrowserStep.Extract("h1", "heading"), new BrowserStep.Screenshot("page", false),
                new BrowserStep.Screenshot("whole", true));
        assertThat(step.actions().getFirst().describe()).isEqualTo("goto https://example.com/a");
    }

    @Test
    void parsesProviderSandboxAndTimeout() throws StepFailure {
        BrowserStep step = BrowserStep.parse(json("""
                {"provider": "cdp", "sandbox": {"mode": "persistent", "name": "crm_eu-1"}, "timeoutSeconds": 300,
                 "actions": [{"goto": "http://intranet.local/"}]}"""), CONFIG);

        assertThat(step.provider()).isEqualTo(Provider.CDP);
        assertThat(step.sandbox()).isEqualTo(new BrowserStep.Sandbox(true, "crm_eu-1"));
        assertThat(step.timeout()).isEqualTo(Duration.ofMinutes(5));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            []                                                     | must be a JSON object
            {}                                                     | 'actions' must be a non-empty array
            {"actions": []}                                        | 'actions' must be a non-empty array
            {"actions": [{"goto": "x"}], "script": "1"}            | unknown field 'script' in browser step input
            {"actions": [{"hover": "#a"}]}                         | action 1: unknown action 'hover' (one of goto, click, fill, wait, extract, screenshot)
            {"actions": [{}]}                                      | action 1: unknown action (one of
            {"actions": ["goto"]}                                  | action 1 must be an object
            {"actions": [{"goto": "https://a.b", "click": "#x"}]}  | action 1 has both 'goto' and 'click'
            {"actions": [{"goto": "file:///etc/passwd"}]}          | action 1 (goto): only http:// and https:// URLs are allowed, not file:
            {"actions": [{"goto": "javascript:alert(1)"}]}         | action 1 (goto): only http:// and https:// URLs are allowed, not javascript:
            {"actions": [{"goto": "example.com"}]}                 | action 1 (goto): only http:// and https:// URLs are allowed
            {"actions": [{"goto": "http:///path"}]}                | action 1 (goto): URL has no host
            {"actions": [{"goto": ""}]}                            | action 1 (goto): missing URL
            {"actions": [{"goto": "https://a.b"}, {"click": ""}]}  | action 2 (click): missing selector
            {"actions": [{"click": 5}]}                            | action 1 (click): missing selector
            {"actions": [{"fill": "#a"}]}                          | action 1 (fill): 'value' must be a string
            {"actions": [{"fill": "#a", "value": 3}]}              | action 1 (fill): 'value' must be a string
            {"actions": [{"click": "#a", "value": "x"}]}           | action 1 (click): unknown field 'value'
            {"actions": [{"wait": -1}]}                            | action 1 (wait): milliseconds must be a whole number from 0 to 60000
            {"actions": [{"wait": 60001}]}                         | action 1 (wait): milliseconds must be a whole number from 0 to 60000
            {"actions": [{"wait": 1.5}]}                           | action 1 (wait): milliseconds must be a whole number
            {"actions": [{"wait": true}]}                          | action 1 (wait): give a selector to wait for, or a number of milliseconds
            {"actions": [{"extract": "h1"}]}                       | action 1 (extract): missing name in 'as'
            {"actions": [{"extract": "h1", "as": "a b"}]}          | action 1 (extract): name in 'as' must match
            {"actions": [{"extract": "h1", "as": "t"}, {"extract": "h2", "as": "t"}]} | action 2 (extract): name 't' is used twice
            {"actions": [{"screenshot": "../x"}]}                  | action 1 (screenshot): name in 'screenshot' must match
            {"actions": [{"screenshot": "s", "fullPage": "yes"}]}  | action 1 (screenshot): 'fullPage' must be true or false
            {"provider": "chrome", "actions": [{"click": "#a"}]}   | unknown provider 'chrome' (one of local, cdp, browserless, browserbase, cloudflare)
            {"timeoutSeconds": 0, "actions": [{"click": "#a"}]}    | 'timeoutSeconds' must be a whole number from 1 to 300
            {"timeoutSeconds": 301, "actions": [{"click": "#a"}]}  | 'timeoutSeconds' must be a whole number from 1 to 300
            {"sandbox": "crm", "actions": [{"click": "#a"}]}       | 'sandbox' must be an object
            {"sandbox": {"mode": "forever"}, "actions": [{"click": "#a"}]}  | sandbox 'mode' must be "transient" or "persistent"
            {"sandbox": {"mode": "persistent"}, "actions": [{"click": "#a"}]} | a persistent sandbox needs a 'name'
            {"sandbox": {"mode": "persistent", "name": "../other"}, "actions": [{"click": "#a"}]} | sandbox name must match ^[a-z0-9][a-z0-9_-]{0,63}$
            {"sandbox": {"mode": "persistent", "name": "CRM"}, "actions": [{"click": "#a"}]} | sandbox name must match
            {"sandbox": {"mode": "transient", "name": "crm"}, "actions": [{"click": "#a"}]} | a transient sandbox has no name
            {"sandbox": {"mode": "persistent", "name": "a", "workspace": "x"}, "actions": [{"click": "#a"}]} | unknown field 'workspace' in 'sandbox'
            """)
    void badInputIsRefusedWithAMessageNamingTheProblem(String input, String message) {
        assertThatThrownBy(() -> BrowserStep.parse(json(input), CONFIG))
                .isInstanceOf(StepFailure.class)
                .hasMessageContaining(message.strip());
    }

    @Test
    void tooManyActionsAreRefused() {
        String actions = "{\"wait\": 0},".repeat(BrowserStep.MAX_ACTIONS) + "{\"wait\": 0}";
        assertThatThrownBy(() -> BrowserStep.parse(json("{\"actions\": [" + actions + "]}"), CONFIG))
                .hasMessage("too many actions: 101 (at most 100)");
    }

    @Test
    void configurationComesFromTheEnvironmentAndNeverPrintsKeys() {
        BrowserConfig config = BrowserConfig.fromEnvironment(Map.of(
                "OCTVEX_HOME", "/srv/octvex",
                "OCTVEX_BROWSER_PROVIDER", "browserless",
                "OCTVEX_BROWSERLESS_TOKEN", "bl-secret",
                "OCTVEX_CLOUDFLARE_ACCOUNT_ID", "abc123",
                "OCTVEX_CLOUDFLARE_API_TOKEN", "cf-secret",
                "OCTVEX_BROWSER_CDP_URL", "http://127.0.0.1:9222",
                "OCTVEX_BROWSER_ACTION_TIMEOUT_SECONDS", "10"), Path.of("/home/u"));

        assertThat(config.edgeHome()).isEqualTo(Path.of("/srv/octvex/edge"));
        assertThat(config.defaultProvider()).isEqualTo("browserless");
        assertThat(config.browserless().url()).isEqualTo(URI.create("wss://production-sfo.browserless.io"));
        assertThat(config.browserbase()).isNull();
        assertThat(config.cloudflare().url()).isEqualTo(URI.create(
                "wss://api.cloudflare.com/client/v4/accounts/abc123/browser-rendering/devtools/browser"));
        assertThat(config.cdpEndpoint()).isEqualTo(URI.create("http://127.0.0.1:9222"));
        assertThat(config.actionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.chromiumExecutable()).isEqualTo(Path.of("/usr/bin/chromium"));
        assertThat(config.toString()).doesNotContain("bl-secret").doesNotContain("cf-secret");

        BrowserConfig defaults = BrowserConfig.fromEnvironment(Map.of(), Path.of("/home/u"));
        assertThat(defaults.edgeHome()).isEqualTo(Path.of("/home/u/.octvex/edge"));
        assertThat(defaults.defaultProvider()).isEqualTo("local");
        assertThat(defaults.browserless()).isNull();
    }

    @Test
    void badConfigurationIsRefusedForTheOperator() {
        assertThatThrownBy(() -> BrowserConfig.fromEnvironment(Map.of("OCTVEX_BROWSER_PROVIDER", "chrome"), Path.of("/h")))
                .hasMessageContaining("unknown default browser provider 'chrome'");
        assertThatThrownBy(() -> BrowserConfig.fromEnvironment(Map.of("OCTVEX_BROWSER_CDP_URL", "ftp://x"), Path.of("/h")))
                .hasMessageContaining("cdp endpoint must be a http/https/ws/wss URL");
        assertThatThrownBy(() -> BrowserConfig.fromEnvironment(Map.of("OCTVEX_CLOUDFLARE_API_TOKEN", "t"), Path.of("/h")))
                .hasMessageContaining("OCTVEX_CLOUDFLARE_ACCOUNT_ID");
        assertThatThrownBy(() -> BrowserConfig.fromEnvironment(
                Map.of("OCTVEX_BROWSER_ACTION_TIMEOUT_SECONDS", "soon"), Path.of("/h")))
                .hasMessageContaining("OCTVEX_BROWSER_ACTION_TIMEOUT_SECONDS must be a whole number");
    }
}
