package io.octvex.server.vault;

import io.octvex.protocol.Json;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * How a root key is derived from a passphrase: Argon2id (version 0x13) with these costs and salt. Stored with
 * the vault's root term (none of it is secret), so the same passphrase gives the same key on every replica.
 */
record KdfParams(int memoryKib, int iterations, int parallelism, byte[] salt) {
    /** About 0.2 s on our 2-core machines: paid once per server start, not per request. */
    static final int MEMORY_KIB = 64 * 1024;
    static final int ITERATIONS = 3;
    static final int PARALLELISM = 1;

    KdfParams {
        if (memoryKib < 8 * parallelism || memoryKib > 4 * 1024 * 1024 || iterations < 1 || iterations > 100
                || parallelism < 1 || parallelism > 16 || salt == null || salt.length < 16) {
            throw new IllegalArgumentException("the stored Argon2id parameters are out of range");
        }
    }

    String toJson() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("alg", "argon2id");
        map.put("v", 19);
        map.put("m", memoryKib);
        map.put("t", iterations);
        map.put("p", parallelism);
        map.put("salt", Base64.getEncoder().encodeToString(salt));
        return Json.write(map);
    }

    static KdfParams fromJson(String json) {
        if (json == null) {
            return null;
        }
        JsonNode node = Json.tree(json);
        if (!"argon2id".equals(node.path("alg").asString()) || node.path("v").asInt() != 19) {
            throw new IllegalArgumentException("the vault's key derivation is not Argon2id v19: " + json);
        }
        return new KdfParams(node.path("m").asInt(), node.path("t").asInt(), node.path("p").asInt(),
                Base64.getDecoder().decode(node.path("salt").asString()));
    }
}
