package io.octvex.edge.browser;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where a step's browser comes from. Only {@link #LOCAL} launches a process; the others attach over CDP. */
enum Provider {
    LOCAL,
    CDP,
    BROWSERLESS,
    BROWSERBASE,
    CLOUDFLARE;

    String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Provider byName(String name) {
        for (Provider p : values()) {
            if (p.wireName().equals(name)) {
                return p;
            }
        }
        return null;
    }

    static String names() {
        return Arrays.stream(values()).map(Provider::wireName).collect(Collectors.joining(", "));
    }

    /** The configuration key that offers this provider, for "not configured" messages. */
    String configHint() {
        return switch (this) {
            case LOCAL -> "OCTVEX_BROWSER_EXECUTABLE";
            case CDP -> "OCTVEX_BROWSER_CDP_URL";
            case BROWSERLESS -> "OCTVEX_BROWSERLESS_TOKEN";
            case BROWSERBASE -> "OCTVEX_BROWSERBASE_API_KEY";
            case CLOUDFLARE -> "OCTVEX_CLOUDFLARE_API_TOKEN and OCTVEX_CLOUDFLARE_ACCOUNT_ID";
        };
    }
}
