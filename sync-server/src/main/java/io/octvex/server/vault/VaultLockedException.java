package io.octvex.server.vault;

/**
 * The vault cannot be opened with the root key this server was given, so the server does not start.
 * {@code action} tells the operator what to do; neither part ever contains key material.
 */
class VaultLockedException extends RuntimeException {
    private final String action;

    VaultLockedException(String description, String action) {
        super(description);
        this.action = action;
    }

    String action() {
        return action;
    }
}
