package io.octvex.protocol;

/** A user changing their own password; every other session of theirs ends. */
public record ChangePassword(String currentPassword, String newPassword) {
    @Override
    public String toString() {
        return "ChangePassword[***]";
    }
}
