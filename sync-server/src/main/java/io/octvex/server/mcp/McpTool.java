package io.octvex.server.mcp;

import io.octvex.protocol.Scope;
import io.octvex.server.identity.Caller;
import io.octvex.server.web.ApiException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One tool the MCP endpoint offers. A feature adds a tool by declaring a Spring bean of this type; the
 * transport, authentication, the scope check, argument validation against {@link #inputSchema()}, the audit
 * event and the error mapping are done once for every tool by the endpoint. A tool refuses with an
 * {@link ApiException} (its detail is shown to the client as it is, so it must never carry a secret);
 * anything else becomes an internal error with a log reference.
 */
public interface McpTool {
    /** {@code snake_case}, unique: what a model calls. */
    String name();

    /** What the tool does and when to use it, written for a model choosing between tools. */
    String description();

    /** A JSON Schema (draft 2020-12) object for the arguments, with a description on every property. */
    Map<String, Object> inputSchema();

    /** The right the caller needs in its workspace. */
    Scope scope();

    /** True when the tool changes nothing (an annotation hint for clients). */
    boolean readOnly();

    /** Performs the call; the answer becomes the tool result's structured content (and its text). */
    Object call(Call call);

    /**
     * True (the default): the call runs in one transaction with its audit event, so a call whose event cannot be
     * written changes nothing. False for a tool that waits for work other transactions do (it must make its own
     * changes transactional); its event is appended right after it returns.
     */
    default boolean transactional() {
        return true;
    }

    /**
     * The tool ran but what it asked for failed (e.g. policy denied it): the client gets a tool error with
     * {@code message} and {@code details} as structured content. Not an exception of the server: nothing is
     * logged. The message is shown as it is, so it must never carry a secret.
     */
    final class Failed extends RuntimeException {
        private final transient Object details;

        public Failed(String message, Object details) {
            super(message, null, false, false);
            this.details = details;
        }

        public Object details() {
            return details;
        }
    }

    /**
     * Where a long call tells the client how it is getting on: each report becomes an MCP
     * {@code notifications/progress} with the client's progress token, or nothing when the client sent none.
     * Reporting never fails the call. A message is shown as it is, so it must never carry a secret.
     */
    @FunctionalInterface
    interface Progress {
        Progress NONE = message -> { };

        void report(String message);
    }

    /**
     * A tool call: the API token's principal, its workspace, the (schema-valid) arguments, and the progress sink
     * for tools that take a while.
     */
    record Call(Caller caller, UUID workspaceId, Map<String, Object> arguments, Progress progress) {
        public Call {
            progress = progress == null ? Progress.NONE : progress;
        }

        /** A call without progress reports. */
        public Call(Caller caller, UUID workspaceId, Map<String, Object> arguments) {
            this(caller, workspaceId, arguments, Progress.NONE);
        }

        public boolean flag(String name, boolean fallback) {
            Object value = arguments.get(name);
            if (value == null) {
                return fallback;
            }
            if (!(value instanceof Boolean b)) {
                throw ApiException.badRequest("'" + name + "' must be true or false");
            }
            return b;
        }

        public String text(String name) {
            Object value = arguments.get(name);
            if (value == null) {
                return null;
            }
            if (!(value instanceof String s)) {
                throw ApiException.badRequest("'" + name + "' must be a string");
            }
            return s;
        }

        public String requiredText(String name) {
            String value = text(name);
            if (value == null || value.isBlank()) {
                throw ApiException.badRequest("'" + name + "' is required");
            }
            return value;
        }

        public UUID id(String name) {
            String value = requiredText(name);
            try {
                return UUID.fromString(value);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("'" + name + "' must be a UUID, got '" + shorten(value) + "'");
            }
        }

        public UUID optionalId(String name) {
            return arguments.get(name) == null ? null : id(name);
        }

        public int integer(String name, int fallback, int min, int max) {
            Object value = arguments.get(name);
            if (value == null) {
                return fallback;
            }
            if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                    || n.longValue() < min || n.longValue() > max) {
                throw ApiException.badRequest("'" + name + "' must be a whole number from " + min + " to " + max);
            }
            return n.intValue();
        }

        private static String shorten(String value) {
            return value.length() > 40 ? value.substring(0, 40) + "…" : value;
        }
    }

    /** Helpers for building schemas without a wall of map literals. */
    final class Schemas {
        private Schemas() {}

        public static Map<String, Object> object(Map<String, Object> properties, List<String> required) {
            return Map.of("type", "object", "properties", properties, "required", required,
                    "additionalProperties", false);
        }

        public static Map<String, Object> string(String description) {
            return Map.of("type", "string", "description", description);
        }

        public static Map<String, Object> uuid(String description) {
            return Map.of("type", "string", "format", "uuid", "description", description,
                    "pattern", "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
        }

        public static Map<String, Object> integer(String description, int min, int max) {
            return Map.of("type", "integer", "description", description, "minimum", min, "maximum", max);
        }

        public static Map<String, Object> bool(String description) {
            return Map.of("type", "boolean", "description", description);
        }
    }
}
