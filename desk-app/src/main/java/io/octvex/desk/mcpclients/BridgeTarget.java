package io.octvex.desk.mcpclients;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a client's entry points at: the bridge command line (stdio) and the server's {@code /mcp} URL (for
 * clients that may talk HTTP directly, with the token taken from an environment variable).
 */
public record BridgeTarget(String command, List<String> commandArgs, String serverUrl, String workspaceId) {
    /** The variable the bridge, and the clients written in HTTP mode, read the token from. */
    public static final String TOKEN_VARIABLE = "OCTVEX_TOKEN";

    public BridgeTarget {
        Objects.requireNonNull(command, "command");
        commandArgs = List.copyOf(commandArgs);
        serverUrl = serverUrl.replaceAll("/+$", "");
        Objects.requireNonNull(workspaceId, "workspaceId");
    }

    /** {@code <launcher args> mcp-bridge --server URL --workspace ID}. */
    List<String> args() {
        List<String> args = new ArrayList<>(commandArgs);
        args.addAll(List.of("--server", serverUrl, "--workspace", workspaceId));
        return List.copyOf(args);
    }

    String mcpUrl() {
        return serverUrl + "/mcp";
    }
}
