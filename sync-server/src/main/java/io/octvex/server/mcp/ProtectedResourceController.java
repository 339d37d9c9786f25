package io.octvex.server.mcp;

import io.octvex.protocol.Scope;
import io.octvex.server.identity.BearerChallenge;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * RFC 9728 OAuth 2.0 Protected Resource Metadata for the MCP endpoint, at the path the 401 challenge names and
 * at the path RFC 9728 §3.1 derives from the resource ({@code …/oauth-protected-resource/mcp}). No
 * authorization server is listed (the field is omitted): tokens are Octvex API tokens issued in a workspace (docs/mcp.md).
 */
@RestController
class ProtectedResourceController {

    @GetMapping({BearerChallenge.MCP_METADATA_PATH, BearerChallenge.MCP_METADATA_PATH + McpConfiguration.ENDPOINT})
    ResponseEntity<Map<String, Object>> metadata(HttpServletRequest request) {
        String base = BearerChallenge.base(request);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("resource", base + McpConfiguration.ENDPOINT);
        doc.put("resource_name", "Octvex MCP server");
        doc.put("bearer_methods_supported", List.of("header"));
        doc.put("scopes_supported", Arrays.stream(Scope.values()).map(Scope::wire).toList());
        return ResponseEntity.ok().cacheControl(CacheControl.noCache()).body(doc);
    }
}
