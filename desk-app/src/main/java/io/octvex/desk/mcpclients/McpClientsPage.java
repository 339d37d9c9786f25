package io.octvex.desk.mcpclients;

import io.octvex.desk.bridge.BridgeTokens;
import io.octvex.protocol.CreateToken;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.Scope;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import javafx.application.Platform;
import javafx.scene.Node;

/**
 * The Settings page "MCP clients": lists the MCP clients found on this machine, whether Octvex is configured
 * in each, and configures or removes it. The one entry point of the feature.
 */
public final class McpClientsPage {
    /** The bridge's scopes: read the workspace, follow and submit runs (what the MCP tools need). */
    static final List<Scope> BRIDGE_SCOPES = List.of(Scope.WORKSPACE_READ, Scope.RUNS_READ, Scope.RUNS_WRITE);

    private McpClientsPage() {}

    /**
     * @param client signed in to {@code serverUrl}; issues the bridge's workspace API token on the first
     *               Configure when the keychain has none for this server and workspace
     * @param io     where file and network work runs (never the FX thread)
     */
    public static Node create(OctvexClient client, String serverUrl, UUID workspaceId, Executor io) {
        String server = serverUrl.replaceAll("/+$", "");
        BridgeTarget target = bridgeTarget(server, workspaceId.toString());
        McpClientsModel.TokenSetup tokens = () -> {
            if (BridgeTokens.read(server, workspaceId.toString(), new StringBuilder()).isPresent()) {
                return null;
            }
            String token = client.createToken(workspaceId, new CreateToken("MCP bridge on " + hostName(),
                    BRIDGE_SCOPES, null, null)).secret();
            try {
                BridgeTokens.store(server, workspaceId.toString(), token);
                return "A workspace token for the bridge is in your OS keychain.";
            } catch (Exception e) {
                return "No OS keychain to keep the bridge's token in (" + e.getMessage() + "): set "
                        + BridgeTarget.TOKEN_VARIABLE + " in the client's environment instead.";
            }
        };
        return create(Clients.all(Places.ofThisMachine()), target, tokens, io);
    }

    static Node create(List<ClientDescriptor> clients, BridgeTarget target, McpClientsModel.TokenSetup tokens,
            Executor io) {
        var model = new McpClientsModel(clients, new ClientConfigs(new SafeFile(Clock.systemUTC())), target, tokens,
                io, Platform::runLater);
        var view = new McpClientsView(model);
        model.refresh();
        return view;
    }

    /**
     * How a client starts the bridge: the {@code octvex} launcher when the Desk was started by it
     * ({@code OCTVEX_LAUNCHER}, an absolute path), else this JVM with the Desk's jar, so a client with a bare
     * PATH (Claude Desktop) still finds everything.
     */
    static BridgeTarget bridgeTarget(String server, String workspace) {
        String launcher = System.getenv("OCTVEX_LAUNCHER");
        if (launcher != null && Path.of(launcher).isAbsolute()) {
            return new BridgeTarget(launcher, List.of("mcp-bridge"), server, workspace);
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar;
        try {
            jar = Path.of(McpClientsPage.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            jar = System.getProperty("java.class.path");
        }
        return new BridgeTarget(java, List.of("-cp", jar, "io.octvex.desk.bridge.McpBridge"), server, workspace);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "this machine";
        }
    }
}
