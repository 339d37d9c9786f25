package io.octvex.protocol;

import java.util.List;
import java.util.Map;

/**
 * An edge introducing itself with an enrolment token. {@code sealingKey} is its X25519 public key (base64),
 * to which credentials are sealed later; {@code capabilities} name the handlers it runs; {@code capacity}
 * is how many steps it runs at once.
 */
public record EnrollEdge(String token, String name, Map<String, String> labels, List<String> capabilities,
                         int capacity, String sealingKey, String version) {
    @Override
    public String toString() {
        return "EnrollEdge[name=" + name + ", labels=" + labels + ", capabilities=" + capabilities
                + ", capacity=" + capacity + ", token=***]";
    }
}
