package io.octvex.protocol;

/**
 * Stores a new secret in a workspace's vault. {@code name} is lower case ({@code ^[a-z0-9][a-z0-9._-]{0,63}$});
 * the value fields that {@code kind} takes must be given, the others left out: {@code value} (opaque),
 * {@code username} + {@code password} (username_password), {@code header} + {@code value} (http_header),
 * {@code token} (bearer). Values are {@code char[]} so the server can wipe its copy after sealing it; no
 * answer ever carries them back.
 */
public record CreateSecret(String name, SecretKind kind, char[] value, char[] username, char[] password,
                           char[] header, char[] token) {
    @Override
    public String toString() {
        return "CreateSecret[name=" + name + ", kind=" + kind + ", ***]";
    }
}
