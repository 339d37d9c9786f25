package io.octvex.protocol;

/**
 * Replaces a secret's value (its kind stays): the same value fields as {@link CreateSecret} for that kind.
 * The secret's version goes up by one.
 */
public record UpdateSecret(char[] value, char[] username, char[] password, char[] header, char[] token) {
    @Override
    public String toString() {
        return "UpdateSecret[***]";
    }
}
