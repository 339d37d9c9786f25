package io.octvex.server.mcpclient;

import io.octvex.protocol.McpServerAuth;
import io.octvex.protocol.SaveMcpServer;
import io.octvex.server.web.ApiException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A registration as stored, checked completely: each refusal is a 400 that names the field and the rule.
 * Server names are what agents and policy see ({@code <server>/<tool>}), so they hold no dot or slash.
 */
record McpServerSettings(String name, String transport, String url, String command, List<String> args,
                         McpServerAuth auth, Map<String, String> edgeLabels, List<String> allowedTools) {
    static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,62}$");
    static final Pattern TOOL = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9_.\\-/]{0,127}$");
    static final Pattern LABEL_KEY = Pattern.compile("^[a-z0-9][a-z0-9._/-]{0,62}$");
    static final Pattern HEADER = Pattern.compile("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$");
    static final int MAX_URL = 2000;
    static final int MAX_COMMAND = 500;
    static final int MAX_ARGS = 50;
    static final int MAX_ARG = 32 * 1024; // a class path is one argument
    static final int MAX_LABELS = 20;
    static final int MAX_TOOLS = 500;

    static McpServerSettings check(SaveMcpServer request) {
        if (request == null) {
            throw ApiException.badRequest("an MCP server needs a body: {\"name\": \"github\", \"transport\": \"http\", "
                    + "\"url\": \"https://…/mcp\"} or {\"name\": …, \"transport\": \"stdio\", \"command\": …, \"args\": […]}");
        }
        String name = request.name() == null ? null : request.name().strip();
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest("'name' must be 1 to 63 lower-case letters, digits, '_' or '-', starting with "
                    + "a letter or digit (agents call its tools as <name>.<tool>), got "
                    + (name == null ? "nothing" : "'" + printable(name) + "'"));
        }
        String transport = request.transport() == null ? null : request.transport().strip().toLowerCase(Locale.ROOT);
        return switch (transport == null ? "" : transport) {
            case "http" -> http(name, request);
            case "stdio" -> stdio(name, request);
            default -> throw ApiException.badRequest("'transport' must be 'http' (a Streamable HTTP URL) or 'stdio' "
                    + "(a command an edge starts), got " + (transport == null ? "nothing" : "'" + printable(transport) + "'"));
        };
    }

    private static McpServerSettings http(String name, SaveMcpServer r) {
        if (r.command() != null || r.args() != null && !r.args().isEmpty()) {
            throw ApiException.badRequest("'command' and 'args' are for stdio servers; an http server has only a 'url'");
        }
        String url = r.url() == null ? null : r.url().strip();
        if (url == null || url.isEmpty() || url.length() > MAX_URL) {
            throw ApiException.badRequest("'url' is required for an http server: its Streamable HTTP endpoint, such as "
                    + "https://mcp.example.com/mcp (at most " + MAX_URL + " characters)");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("'url' is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw ApiException.badRequest("'url' must be an absolute http or https URL with a host, got '"
                    + printable(url) + "'");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw ApiException.badRequest("'url' must not carry a user, a query or a fragment: put the server's "
                    + "credential in the vault and name it in 'auth'");
        }
        return new McpServerSettings(name, "http", url, null, List.of(), auth(r.auth()), labels(r.edgeLabels()),
                tools(r.allowedTools()));
    }

    private static McpServerSettings stdio(String name, SaveMcpServer r) {
        if (r.url() != null) {
            throw ApiException.badRequest("'url' is for http servers; a stdio server has a 'command' and 'args'");
        }
        if (r.auth() != null) {
            throw ApiException.badRequest("'auth' is for http servers: a stdio server runs on an edge, inside its "
                    + "environment, and gets no credential from Octvex");
        }
        String command = r.command() == null ? null : r.command().strip();
        if (command == null || command.isEmpty() || command.length() > MAX_COMMAND || hasControl(command)) {
            throw ApiException.badRequest("'command' is required for a stdio server: the program an edge starts, "
                    + "such as npx or /usr/bin/java (at most " + MAX_COMMAND + " characters, no control characters)");
        }
        List<String> args = r.args() == null ? List.of() : r.args();
        if (args.size() > MAX_ARGS) {
            throw ApiException.badRequest("'args' has " + args.size() + " entries; at most " + MAX_ARGS);
        }
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg == null || arg.length() > MAX_ARG || hasControl(arg)) {
                throw ApiException.badRequest("'args[" + i + "]' must be a text of at most " + MAX_ARG
                        + " characters without control characters");
            }
        }
        return new McpServerSettings(name, "stdio", null, command, List.copyOf(args), null, labels(r.edgeLabels()),
                tools(r.allowedTools()));
    }

    private static McpServerAuth auth(McpServerAuth auth) {
        if (auth == null) {
            return null;
        }
        String secret = auth.secret() == null ? null : auth.secret().strip();
        if (secret == null || secret.isEmpty() || secret.length() > 200 || hasControl(secret)) {
            throw ApiException.badRequest("'auth.secret' must name a vault secret (or an OAuth connection) of this "
                    + "workspace; its value is never given here");
        }
        String as = auth.as() == null ? "bearer" : auth.as().strip().toLowerCase(Locale.ROOT);
        if (as.equals("bearer")) {
            if (auth.header() != null) {
                throw ApiException.badRequest("'auth.header' is only for \"as\": \"header\"");
            }
            return new McpServerAuth(secret, "bearer", null);
        }
        if (!as.equals("header")) {
            throw ApiException.badRequest("'auth.as' must be 'bearer' (Authorization: Bearer) or 'header' (the "
                    + "header named in 'auth.header'), got '" + printable(as) + "'");
        }
        if (auth.header() == null || !HEADER.matcher(auth.header().strip()).matches()) {
            throw ApiException.badRequest("'auth.header' must be a header name such as X-Api-Key with \"as\": \"header\"");
        }
        return new McpServerAuth(secret, "header", auth.header().strip());
    }

    private static Map<String, String> labels(Map<String, String> labels) {
        if (labels == null) {
            return Map.of();
        }
        if (labels.size() > MAX_LABELS) {
            throw ApiException.badRequest("'edgeLabels' has " + labels.size() + " entries; at most " + MAX_LABELS);
        }
        Map<String, String> clean = new TreeMap<>();
        labels.forEach((key, value) -> {
            if (key == null || !LABEL_KEY.matcher(key).matches()) {
                throw ApiException.badRequest("'edgeLabels' has the key '" + printable(String.valueOf(key))
                        + "'; a label key is 1 to 63 lower-case letters, digits, '.', '_', '/' or '-'");
            }
            if (value == null || value.length() > 200 || hasControl(value)) {
                throw ApiException.badRequest("'edgeLabels." + key + "' must be a text of at most 200 characters");
            }
            clean.put(key, value);
        });
        return clean;
    }

    private static List<String> tools(List<String> tools) {
        if (tools == null) {
            return List.of();
        }
        if (tools.size() > MAX_TOOLS) {
            throw ApiException.badRequest("'allowedTools' lists " + tools.size() + " tools; at most " + MAX_TOOLS);
        }
        LinkedHashSet<String> clean = new LinkedHashSet<>();
        for (String tool : tools) {
            if (tool == null || !tool.equals("*") && !TOOL.matcher(tool).matches()) {
                throw ApiException.badRequest("'allowedTools' has '" + (tool == null ? "null" : printable(tool))
                        + "': list tool names as the server names them, or \"*\" for all of its tools");
            }
            clean.add(tool);
        }
        return new ArrayList<>(clean);
    }

    boolean allows(String tool) {
        return allowedTools.contains("*") || allowedTools.contains(tool);
    }

    /** What the edge needs to reach the server, as an {@code mcp} step's {@code server} input. */
    Map<String, Object> endpoint() {
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("name", name);
        server.put("transport", transport);
        if (transport.equals("http")) {
            server.put("url", url);
        } else {
            server.put("command", command);
            server.put("args", args);
        }
        return server;
    }

    /** The vault secret an {@code mcp} step names under {@code auth}, as the {@code credential} package reads it. */
    Map<String, Object> stepAuth() {
        if (auth == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("secret", auth.secret());
        m.put("as", auth.as());
        if (auth.header() != null) {
            m.put("header", auth.header());
        }
        return m;
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    private static String printable(String s) {
        String cut = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
