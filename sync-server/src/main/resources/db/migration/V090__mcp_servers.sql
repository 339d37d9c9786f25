-- Downstream MCP servers (issue 6): servers a workspace registers so that agents may call their tools through
-- the gate. Every call (and each discovery) is a one-step run of the edge handler 'mcp'. See docs/mcp.md.
CREATE TABLE mcp_servers (
    id                  uuid        PRIMARY KEY,
    workspace_id        uuid        NOT NULL REFERENCES workspaces (id),
    name                text        NOT NULL,
    transport           text        NOT NULL CHECK (transport IN ('http', 'stdio')),
    -- http: the Streamable HTTP endpoint; stdio: the command and its arguments an edge starts
    url                 text,
    command             text,
    args                jsonb       NOT NULL DEFAULT '[]',
    -- the vault secret (name only) sent to an http server: {"secret", "as", "header"}
    auth                jsonb,
    edge_labels         jsonb       NOT NULL DEFAULT '{}',
    -- tool names agents may call; ["*"] for all
    allowed_tools       jsonb       NOT NULL DEFAULT '[]',
    -- the last completed discovery's tools: [{"name", "description", "inputSchema"}]
    tools               jsonb       NOT NULL DEFAULT '[]',
    discovery_run_id    uuid,
    -- the discovery run whose tools are stored above (behind discovery_run_id while a newer one is under way)
    tools_run_id        uuid,
    tools_discovered_at timestamptz,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    UNIQUE (workspace_id, name),
    CHECK (transport = 'http' AND url IS NOT NULL AND command IS NULL
        OR transport = 'stdio' AND command IS NOT NULL AND url IS NULL AND auth IS NULL)
);
