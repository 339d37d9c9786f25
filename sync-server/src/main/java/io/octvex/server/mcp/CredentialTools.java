package io.octvex.server.mcp;

import static io.octvex.server.mcp.McpTool.Schemas.object;

import io.octvex.protocol.Scope;
import io.octvex.protocol.SecretView;
import io.octvex.server.vault.Vault;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What an agent may know about the vault: the names of the credentials it can ask a step to use. */
@Configuration(proxyBeanMethods = false)
class CredentialTools {

    @Bean
    McpTool listCredentialsTool(Vault vault) {
        return new Tool("list_credentials", """
                List the names and kinds of the credentials stored in the caller's workspace vault. Values are \
                never returned. To use one, name it in a step: an http step's input \
                {"auth": {"secret": "<name>", "as": "bearer"}}; Octvex resolves it just in time on the edge, \
                after policy allows it.""",
                object(Map.of(), List.of()), Scope.WORKSPACE_READ, true, call -> {
            List<Map<String, Object>> credentials = vault.list(call.workspaceId()).stream()
                    .map(CredentialTools::credential).toList();
            return Map.of("credentials", credentials);
        });
    }

    private static Map<String, Object> credential(SecretView s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("kind", s.kind().wire());
        m.put("version", s.version());
        m.put("updatedAt", s.updatedAt().toString());
        return m;
    }
}
