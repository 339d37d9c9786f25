package io.octvex.edge.browser;

import io.octvex.edge.handler.StepFailure;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A validated {@code browser} step input. Everything is checked before a browser is touched, so bad input
 * fails fast with a message that names the action and the field.
 */
record BrowserStep(Provider provider, Sandbox sandbox, List<Action> actions, Duration timeout) {

    static final int MAX_ACTIONS = 100;
    static final long MAX_WAIT_MILLIS = 60_000;
    static final Pattern SANDBOX_NAME = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,63}$");
    static final Pattern RESULT_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
    private static final int MAX_SELECTOR = 1_000;
    private static final int MAX_URL = 4_096;
    private static final int MAX_VALUE = 10_000;

    /** How browser state is kept: a fresh context per step, or a named profile restored and saved. */
    record Sandbox(boolean persistent, String name) {
        static final Sandbox TRANSIENT = new Sandbox(false, null);
    }

    sealed interface Action {
        /** A short description for progress and failure messages (never a filled value). */
        String describe();
    }

    record Goto(URI url) implements Action {
        public String describe() {
            return "goto " + withoutQuery(url);
        }
    }

    record Click(String selector) implements Action {
        public String describe() {
            return "click " + quote(selector);
        }
    }

    record Fill(String selector, String value) implements Action {
        public String describe() {
            return "fill " + quote(selector);
        }
    }

    /** Fills one field of a vault secret, redeemed just in time: the step names the secret, never holds it. */
    record FillSecret(String selector, String secret, String field) implements Action {
        public String describe() {
            return "fill " + quote(selector) + " from secret " + secret;
        }
    }

    record WaitFor(String selector) implements Action {
        public String describe() {
            return "wait for " + quote(selector);
        }
    }

    record Pause(long millis) implements Action {
        public String describe() {
            return "wait " + millis + " ms";
        }
    }

    record Extract(String selector, String as) implements Action {
        public String describe() {
            return "extract " + quote(selector) + " as " + as;
        }
    }

    record Screenshot(String name, boolean fullPage) implements Action {
        public String describe() {
            return "screenshot " + name;
        }
    }

    private static final Map<String, Set<String>> VERB_FIELDS = Map.of(
            "goto", Set.of(),
            "click", Set.of(),
            "fill", Set.of("value", "secret", "field"),
            "wait", Set.of(),
            "extract", Set.of("as"),
            "screenshot", Set.of("fullPage"));
    private static final Set<String> SECRET_FIELDS = Set.of("value", "username", "password", "token");
    private static final Set<String> TOP_FIELDS = Set.of("provider", "sandbox", "actions", "timeoutSeconds");

    static BrowserStep parse(JsonNode input, BrowserConfig config) throws StepFailure {
        if (input == null || !input.isObject()) {
            throw new StepFailure("browser step input must be a JSON object with an 'actions' array");
        }
        for (String field : input.propertyNames()) {
            if (!TOP_FIELDS.contains(field)) {
                throw new StepFailure("unknown field '" + field + "' in browser step input (allowed: "
                        + "provider, sandbox, actions, timeoutSeconds)");
            }
        }
        Provider provider = provider(input.get("provider"), config);
        Sandbox sandbox = sandbox(input.get("sandbox"));
        Duration timeout = timeout(input.get("timeoutSeconds"), config);
        JsonNode actionsNode = input.get("actions");
        if (actionsNode == null || !actionsNode.isArray() || actionsNode.isEmpty()) {
            throw new StepFailure("'actions' must be a non-empty array of actions such as {\"goto\": \"https://…\"}");
        }
        if (actionsNode.size() > MAX_ACTIONS) {
            throw new StepFailure("too many actions: " + actionsNode.size() + " (at most " + MAX_ACTIONS + ")");
        }
        List<Action> actions = new ArrayList<>();
        Set<String> extractNames = new HashSet<>();
        Set<String> screenshotNames = new HashSet<>();
        for (int i = 0; i < actionsNode.size(); i++) {
            Action action = action(i + 1, actionsNode.get(i));
            if (action instanceof Extract e && !extractNames.add(e.as())) {
                throw new StepFailure("action " + (i + 1) + " (extract): name '" + e.as() + "' is used twice");
            }
            if (action instanceof Screenshot s && !screenshotNames.add(s.name())) {
                throw new StepFailure("action " + (i + 1) + " (screenshot): name '" + s.name() + "' is used twice");
            }
            actions.add(action);
        }
        return new BrowserStep(provider, sandbox, List.copyOf(actions), timeout);
    }

    private static Provider provider(JsonNode node, BrowserConfig config) throws StepFailure {
        String name = config.defaultProvider();
        if (node != null && !node.isNull()) {
            if (!node.isString()) {
                throw new StepFailure("'provider' must be a string (one of " + Provider.names() + ")");
            }
            name = node.stringValue();
        }
        Provider provider = Provider.byName(name);
        if (provider == null) {
            throw new StepFailure("unknown provider '" + clip(name, 40) + "' (one of " + Provider.names() + ")");
        }
        return provider;
    }

    private static Sandbox sandbox(JsonNode node) throws StepFailure {
        if (node == null || node.isNull()) {
            return Sandbox.TRANSIENT;
        }
        if (!node.isObject()) {
            throw new StepFailure("'sandbox' must be an object: {\"mode\": \"transient\"} or "
                    + "{\"mode\": \"persistent\", \"name\": \"…\"}");
        }
        for (String field : node.propertyNames()) {
            if (!field.equals("mode") && !field.equals("name")) {
                throw new StepFailure("unknown field '" + field + "' in 'sandbox' (allowed: mode, name)");
            }
        }
        JsonNode mode = node.get("mode");
        String modeName = mode == null || mode.isNull() ? "transient" : mode.isString() ? mode.stringValue() : null;
        JsonNode name = node.get("name");
        if ("transient".equals(modeName)) {
            if (name != null && !name.isNull()) {
                throw new StepFailure("a transient sandbox has no name; use \"mode\": \"persistent\" to keep state");
            }
            return Sandbox.TRANSIENT;
        }
        if (!"persistent".equals(modeName)) {
            throw new StepFailure("sandbox 'mode' must be \"transient\" or \"persistent\"");
        }
        if (name == null || !name.isString()) {
            throw new StepFailure("a persistent sandbox needs a 'name'");
        }
        if (!SANDBOX_NAME.matcher(name.stringValue()).matches()) {
            throw new StepFailure("sandbox name must match " + SANDBOX_NAME.pattern()
                    + " (lower-case letters, digits, '_' and '-', at most 64)");
        }
        return new Sandbox(true, name.stringValue());
    }

    private static Duration timeout(JsonNode node, BrowserConfig config) throws StepFailure {
        if (node == null || node.isNull()) {
            return config.defaultStepTimeout();
        }
        long max = config.maxStepTimeout().toSeconds();
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 1 || node.longValue() > max) {
            throw new StepFailure("'timeoutSeconds' must be a whole number from 1 to " + max);
        }
        return Duration.ofSeconds(node.longValue());
    }

    private static Action action(int index, JsonNode node) throws StepFailure {
        if (node == null || !node.isObject()) {
            throw new StepFailure("action " + index + " must be an object such as {\"click\": \"#submit\"}");
        }
        String verb = null;
        for (String field : node.propertyNames()) {
            if (VERB_FIELDS.containsKey(field)) {
                if (verb != null) {
                    throw new StepFailure("action " + index + " has both '" + verb + "' and '" + field
                            + "': one action per object");
                }
                verb = field;
            }
        }
        if (verb == null) {
            String first = node.propertyNames().stream().findFirst().orElse("");
            throw new StepFailure("action " + index + ": unknown action"
                    + (first.isEmpty() ? "" : " '" + clip(first, 40) + "'")
                    + " (one of goto, click, fill, wait, extract, screenshot)");
        }
        Set<String> allowed = VERB_FIELDS.get(verb);
        for (String field : node.propertyNames()) {
            if (!field.equals(verb) && !allowed.contains(field)) {
                throw new StepFailure("action " + index + " (" + verb + "): unknown field '" + clip(field, 40) + "'"
                        + (allowed.isEmpty() ? "" : " (allowed: " + String.join(", ", allowed) + ")"));
            }
        }
        String where = "action " + index + " (" + verb + ")";
        JsonNode arg = node.get(verb);
        return switch (verb) {
            case "goto" -> new Goto(url(where, arg));
            case "click" -> new Click(selector(where, arg));
            case "fill" -> {
                JsonNode secret = node.get("secret");
                if (secret != null) {
                    JsonNode field = node.get("field");
                    if (node.has("value") || !secret.isString() || secret.stringValue().isBlank()) {
                        throw new StepFailure(where + ": give either 'value' or 'secret' (a vault secret's name)");
                    }
                    if (field != null && !(field.isString() && SECRET_FIELDS.contains(field.stringValue()))) {
                        throw new StepFailure(where + ": 'field' must be value, username, password or token");
                    }
                    yield new FillSecret(selector(where, arg), secret.stringValue().strip(),
                            field == null ? "value" : field.stringValue());
                }
                JsonNode value = node.get("value");
                if (value == null || !value.isString()) {
                    throw new StepFailure(where + ": 'value' must be a string");
                }
                if (value.stringValue().length() > MAX_VALUE) {
                    throw new StepFailure(where + ": 'value' is longer than " + MAX_VALUE + " characters");
                }
                yield new Fill(selector(where, arg), value.stringValue());
            }
            case "wait" -> {
                if (arg != null && arg.isNumber()) {
                    if (!arg.isIntegralNumber() || !arg.canConvertToLong()
                            || arg.longValue() < 0 || arg.longValue() > MAX_WAIT_MILLIS) {
                        throw new StepFailure(where + ": milliseconds must be a whole number from 0 to "
                                + MAX_WAIT_MILLIS);
                    }
                    yield new Pause(arg.longValue());
                }
                if (arg == null || !arg.isString()) {
                    throw new StepFailure(where + ": give a selector to wait for, or a number of milliseconds");
                }
                yield new WaitFor(selector(where, arg));
            }
            case "extract" -> {
                String selector = selector(where, arg);
                yield new Extract(selector, name(where, "as", node.get("as")));
            }
            case "screenshot" -> {
                JsonNode fullPage = node.get("fullPage");
                if (fullPage != null && !fullPage.isBoolean()) {
                    throw new StepFailure(where + ": 'fullPage' must be true or false");
                }
                yield new Screenshot(name(where, "screenshot", arg), fullPage != null && fullPage.booleanValue());
            }
            default -> throw new IllegalStateException(verb);
        };
    }

    private static URI url(String where, JsonNode arg) throws StepFailure {
        if (arg == null || !arg.isString() || arg.stringValue().isBlank()) {
            throw new StepFailure(where + ": missing URL");
        }
        String text = arg.stringValue().strip();
        if (text.length() > MAX_URL) {
            throw new StepFailure(where + ": URL is longer than " + MAX_URL + " characters");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new StepFailure(where + ": not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new StepFailure(where + ": only http:// and https:// URLs are allowed"
                    + (scheme.isEmpty() ? "" : ", not " + clip(scheme, 20) + ":"));
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new StepFailure(where + ": URL has no host");
        }
        return uri;
    }

    private static String selector(String where, JsonNode arg) throws StepFailure {
        if (arg == null || !arg.isString() || arg.stringValue().isBlank()) {
            throw new StepFailure(where + ": missing selector");
        }
        if (arg.stringValue().length() > MAX_SELECTOR) {
            throw new StepFailure(where + ": selector is longer than " + MAX_SELECTOR + " characters");
        }
        return arg.stringValue();
    }

    private static String name(String where, String field, JsonNode arg) throws StepFailure {
        if (arg == null || !arg.isString() || arg.stringValue().isEmpty()) {
            throw new StepFailure(where + ": missing name in '" + field + "'");
        }
        if (!RESULT_NAME.matcher(arg.stringValue()).matches()) {
            throw new StepFailure(where + ": name in '" + field + "' must match " + RESULT_NAME.pattern());
        }
        return arg.stringValue();
    }

    static String quote(String selector) {
        return "'" + clip(selector, 80) + "'";
    }

    static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }

    static String withoutQuery(URI url) {
        // no user info, query or fragment: they may carry secrets
        return url.getScheme() + "://" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }
}
