package io.octvex.server.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ResourcePatternTest {
    private static final ResourcePattern BILLING = ResourcePattern.parse("https://*.billing.example.com/**");

    @ParameterizedTest
    @ValueSource(strings = {
            "https://api.billing.example.com/invoices",
            "https://api.billing.example.com",
            "https://a.b.billing.example.com/x/y/z",
            "https://API.Billing.Example.COM/invoices",          // host case
            "https://api.billing.example.com./invoices",         // one trailing dot
            "https://api.billing.example.com:443/invoices",      // the default port written out
            "https://user:pw@api.billing.example.com/invoices",  // userinfo is not the host
            "https://api.billing.example.com/a/../invoices",     // traversal that stays inside
            "https://api%2ebilling.example.com/x",                // percent-encoded host
    })
    void matchesWhatItShould(String url) {
        assertThat(BILLING.matches(url)).as(url).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://billing.example.com/invoices",               // the bare suffix is not a subdomain
            "https://evilbilling.example.com/",                   // suffix without the dot
            "https://api.billing.example.com.evil.com/",          // suffix inside another host
            "https://api.billing.example.com@evil.com/",          // userinfo trick: the host is evil.com
            "https://api.billing.example.com:8443/invoices",      // another port
            "http://api.billing.example.com/invoices",            // another scheme
            "https://api.billing.example.com../",                 // two trailing dots
            "https://api.billing.example.com\\@evil.com/",        // backslash
            "https://api.billing.example.com%2f@evil.com/",       // encoded slash before userinfo
            "https://аpi.billing.example.com.evil.com/",          // Cyrillic а, punycoded, still another host
            "https://api.billing.example.com/%2e%2e/%2e%2e/etc",  // encoded traversal above the root
            "https://api.billing.example.com/a%2fb",              // an encoded slash in a segment
            "ftp://api.billing.example.com/",
            "//api.billing.example.com/",
            "https://api.billing.example.com/\u0000",
            "not a url",
    })
    void refusesWhatItShould(String url) {
        assertThat(BILLING.matches(url)).as(url).isFalse();
    }

    @Test
    void internationalNamesMatchTheirPunycode() {
        ResourcePattern idn = ResourcePattern.parse("https://bücher.example/**");
        assertThat(idn.matches("https://xn--bcher-kva.example/katalog")).isTrue();
        assertThat(idn.matches("https://BÜCHER.example/katalog")).isTrue();
        assertThat(idn.matches("https://bucher.example/katalog")).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "https://api.example.com/v1/*/invoices, https://api.example.com/v1/acme/invoices, true",
            "https://api.example.com/v1/*/invoices, https://api.example.com/v1/acme/x/invoices, false",
            "https://api.example.com/v1/**/invoices, https://api.example.com/v1/acme/x/invoices, true",
            "https://api.example.com/v1/**/invoices, https://api.example.com/v1/invoices, true",
            "https://api.example.com/v1/inv*, https://api.example.com/v1/invoices, true",
            "https://api.example.com/v1/inv*, https://api.example.com/v1/invoices/1, false",
            "https://api.example.com/v1, https://api.example.com/v1/, false",
            "https://api.example.com:*/**, https://api.example.com:9443/x, true",
            "*://api.example.com/**, http://api.example.com/x, true",
            "https://*/**, https://anything.example.org/x, true",
            "https://127.0.0.1/**, https://127.0.0.1/x, true",
    })
    void pathsPortsAndSchemes(String pattern, String url, boolean expected) {
        assertThat(ResourcePattern.parse(pattern).matches(url)).as(pattern + " ~ " + url).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://2130706433/", "http://0x7f.0.0.1/", "http://127.1/", "http://017.0.0.1/"})
    void numericHostSpellingsAreRefused(String url) {
        assertThat(ResourcePattern.parse("http://*/**").matches(url)).as(url).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com/**", "https://user@example.com/**", "https://ex*ample.com/",
            "https://example.com:99999/", "https://example.com/**/a/**", "https://example.com/../x",
            "gopher://example.com/"})
    void badPatternsAreRefusedWithAReason(String pattern) {
        assertThatThrownBy(() -> ResourcePattern.parse(pattern)).isInstanceOf(IllegalArgumentException.class)
                .message().isNotBlank();
    }
}
