package io.octvex.protocol;

import java.util.List;

/**
 * Creates a principal and makes it a member of the workspace the request is addressed to.
 * {@code password} is required for users and refused for agents and services (they use tokens).
 */
public record CreatePrincipal(PrincipalKind kind, String name, String displayName, String password, List<Role> roles) {
    @Override
    public String toString() {
        return "CreatePrincipal[kind=" + kind + ", name=" + name + ", roles=" + roles + "]";
    }
}
