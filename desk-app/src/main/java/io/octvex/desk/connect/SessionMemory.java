package io.octvex.desk.connect;

import java.util.UUID;

/**
 * Where a signed-in session is kept between starts (the Desk's unlocked secret store), or nowhere. Both calls
 * block (a file write): the connect model makes them off the FX thread. They never fail loudly: a session that
 * cannot be kept only means signing in again next time.
 */
public interface SessionMemory {
    SessionMemory NONE = new SessionMemory() {
        @Override
        public void remember(String server, String user, UUID workspaceId, String token) {}

        @Override
        public void forget(String server, String user) {}
    };

    void remember(String server, String user, UUID workspaceId, String token);

    void forget(String server, String user);
}
