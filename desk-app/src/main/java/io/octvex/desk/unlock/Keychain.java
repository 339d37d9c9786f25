package io.octvex.desk.unlock;

/**
 * The OS keychain as the store needs it: read, write and delete one text entry. Implementations may throw
 * anything or block forever (a locked keyring with a display waits for a person): {@link BoundedKeychain}
 * bounds every call in time.
 */
interface Keychain {
    /** The entry's text, or null when there is none. */
    String read(String service, String account) throws Exception;

    void write(String service, String account, String text) throws Exception;

    void delete(String service, String account) throws Exception;
}
