package io.octvex.server.mcpclient;

import io.octvex.protocol.Json;
import io.octvex.protocol.McpServerView;
import io.octvex.protocol.McpToolView;
import io.octvex.protocol.Placement;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.SaveMcpServer;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.SubmitRun;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.run.Runs;
import io.octvex.server.web.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * Downstream MCP servers of a workspace: the public facade of this feature. Registration is data here; every
 * contact with a server (listing its tools, calling one) is a one-step run of the edge handler {@code mcp}, so
 * it passes the gate ({@code mcp.list_tools} / {@code mcp.call}), gets its credential just in time on the edge,
 * is placed by the server's edge labels, and lands in the audit log and the run's timeline like any step.
 * A discovery's tools are stored the first time the server is read after its run completed.
 */
@Service
public class McpServers {
    static final String HANDLER = "mcp";
    static final int MAX_SERVERS = 100;

    private final McpServerStore store;
    private final Runs runs;
    private final AuditLog audit;
    private final Clock clock;

    McpServers(McpServerStore store, Runs runs, AuditLog audit, Clock clock) {
        this.store = store;
        this.runs = runs;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public McpServerView create(UUID workspaceId, UUID actor, SaveMcpServer request) {
        McpServerSettings settings = McpServerSettings.check(request);
        if (store.nameTaken(workspaceId, settings.name(), null)) {
            throw ApiException.conflict("an MCP server named '" + settings.name() + "' is already registered in "
                    + "this workspace");
        }
        if (store.list(workspaceId).size() >= MAX_SERVERS) {
            throw ApiException.conflict("this workspace already has " + MAX_SERVERS + " MCP servers, the most it may have");
        }
        UUID id = UUID.randomUUID();
        store.insert(id, workspaceId, settings, now());
        audit.append(workspaceId, AuditEntry.of("mcp_server.registered", actor, describe(id, settings)));
        return view(store.find(workspaceId, id).orElseThrow());
    }

    @Transactional
    public List<McpServerView> list(UUID workspaceId) {
        return store.list(workspaceId).stream().map(this::refreshed).map(McpServers::view).toList();
    }

    @Transactional
    public McpServerView get(UUID workspaceId, UUID id) {
        return view(refreshed(row(workspaceId, id)));
    }

    @Transactional
    public McpServerView update(UUID workspaceId, UUID id, UUID actor, SaveMcpServer request) {
        row(workspaceId, id);
        McpServerSettings settings = McpServerSettings.check(request);
        if (store.nameTaken(workspaceId, settings.name(), id)) {
            throw ApiException.conflict("an MCP server named '" + settings.name() + "' is already registered in "
                    + "this workspace");
        }
        store.update(workspaceId, id, settings, now());
        audit.append(workspaceId, AuditEntry.of("mcp_server.updated", actor, describe(id, settings)));
        return get(workspaceId, id);
    }

    @Transactional
    public void delete(UUID workspaceId, UUID id, UUID actor) {
        McpServerStore.Row row = row(workspaceId, id);
        store.delete(workspaceId, id);
        audit.append(workspaceId, AuditEntry.of("mcp_server.deleted", actor,
                Map.of("serverId", id.toString(), "name", row.settings().name())));
    }

    /** Submits the run that lists the server's tools (as {@code principalId}); its tools are stored once it completes. */
    @Transactional
    public RunView discover(UUID workspaceId, UUID id, UUID principalId) {
        McpServerSettings s = row(workspaceId, id).settings();
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("op", "list_tools");
        input.put("server", s.endpoint());
        if (s.stepAuth() != null) {
            input.put("auth", s.stepAuth());
        }
        RunView run = runs.submit(workspaceId, principalId, new SubmitRun("MCP discovery: " + s.name(), null,
                List.of(step("list", "mcp.list_tools " + s.name(), input, s))));
        store.discoveryStarted(workspaceId, id, run.id());
        return run;
    }

    /** The registered servers by name, with their stored tools (as far as discovery has got). */
    @Transactional
    public Optional<McpServerView> byName(UUID workspaceId, String name) {
        return store.findByName(workspaceId, name).map(this::refreshed).map(McpServers::view);
    }

    /**
     * Submits one call of {@code tool} on the server named {@code server} as a one-step run; 404 for a server this
     * workspace does not have, 403 for a tool its allow-list does not name.
     */
    @Transactional
    public RunView call(UUID workspaceId, UUID principalId, String server, String tool, Map<String, Object> arguments,
                        int timeoutSeconds) {
        McpServerSettings s = store.findByName(workspaceId, server)
                .orElseThrow(() -> ApiException.notFound("MCP server '" + server + "'")).settings();
        if (!s.allows(tool)) {
            throw ApiException.forbidden("the tool '" + tool + "' of MCP server '" + server + "' is not on this "
                    + "workspace's allow-list for it; an admin adds it to the server's allowedTools");
        }
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("op", "call");
        input.put("server", s.endpoint());
        input.put("tool", tool);
        input.put("arguments", arguments == null ? Map.of() : arguments);
        input.put("timeoutSeconds", timeoutSeconds);
        if (s.stepAuth() != null) {
            input.put("auth", s.stepAuth());
        }
        String action = "mcp.call " + s.name() + "/" + tool;
        return runs.submit(workspaceId, principalId, new SubmitRun("MCP call: " + s.name() + "." + tool, null,
                List.of(step("call", action.length() > 200 ? action.substring(0, 200) : action, input, s))));
    }

    private static StepSpec step(String key, String action, Map<String, Object> input, McpServerSettings s) {
        return new StepSpec(key, HANDLER, action, Json.toTree(input), null,
                s.edgeLabels().isEmpty() ? null : new Placement(s.edgeLabels(), null), null);
    }

    McpServerStore.Row row(UUID workspaceId, UUID id) {
        return store.find(workspaceId, id).orElseThrow(() -> ApiException.notFound("MCP server " + id));
    }

    /** Stores the tools of a discovery that completed since the row was last read. */
    private McpServerStore.Row refreshed(McpServerStore.Row row) {
        UUID run = row.discoveryRunId();
        if (run == null || run.equals(row.toolsRunId())) {
            return row;
        }
        RunView view = runs.get(row.workspaceId(), run);
        if (view.status() != RunStatus.COMPLETED) {
            return row;
        }
        JsonNode result = view.steps().getFirst().result();
        List<McpToolView> tools = new ArrayList<>();
        if (result != null) {
            for (JsonNode t : result.path("tools")) {
                if (t.path("name").isString()) {
                    tools.add(new McpToolView(t.path("name").asString(),
                            t.path("description").isString() ? t.path("description").asString() : null,
                            t.path("inputSchema").isObject() ? t.path("inputSchema") : null));
                }
            }
        }
        store.toolsDiscovered(row.workspaceId(), row.id(), run, tools, now());
        return store.find(row.workspaceId(), row.id()).orElseThrow();
    }

    private static Map<String, Object> describe(UUID id, McpServerSettings s) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("serverId", id.toString());
        data.put("name", s.name());
        data.put("transport", s.transport());
        data.put(s.url() != null ? "url" : "command", s.url() != null ? s.url() : s.command());
        if (s.auth() != null) {
            data.put("authSecret", s.auth().secret());
        }
        data.put("edgeLabels", s.edgeLabels());
        data.put("allowedTools", s.allowedTools());
        return data;
    }

    private static McpServerView view(McpServerStore.Row r) {
        McpServerSettings s = r.settings();
        return new McpServerView(r.id(), r.workspaceId(), s.name(), s.transport(), s.url(), s.command(), s.args(),
                s.auth(), s.edgeLabels(), s.allowedTools(), r.tools(), r.discoveryRunId(), r.toolsDiscoveredAt(),
                r.createdAt(), r.updatedAt());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
