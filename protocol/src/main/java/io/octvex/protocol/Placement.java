package io.octvex.protocol;

import java.util.Map;

/**
 * Where a step may run. {@code require} labels are hard constraints ({@code host=build-01} pins a step to one
 * fixed host); {@code prefer} labels add to an edge's affinity score.
 */
public record Placement(Map<String, String> require, Map<String, String> prefer) {
    public Placement {
        require = require == null ? Map.of() : Map.copyOf(require);
        prefer = prefer == null ? Map.of() : Map.copyOf(prefer);
    }

    public static Placement anywhere() {
        return new Placement(null, null);
    }
}
