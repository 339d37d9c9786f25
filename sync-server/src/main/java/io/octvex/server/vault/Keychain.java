package io.octvex.server.vault;

/**
 * The OS keychain as the vault needs it: read, write and delete one text entry. Implementations may throw
 * anything or block forever (a locked keyring with a display waits for a person): callers bound every call in
 * time.
 */
interface Keychain {
    /** The entry's text, or null when there is none. */
    String read(String service, String account) throws Exception;

    void write(String service, String account, String text) throws Exception;

    void delete(String service, String account) throws Exception;
}
