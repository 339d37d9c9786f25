package io.octvex.desk.connect;

import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.PrincipalView;
import io.octvex.protocol.WorkspaceView;

/**
 * Who the Desk acts as, where: a client carrying the session token, the signed-in user and the chosen
 * workspace. The token lives only in this process's memory (the keychain / WebAuthn unlock is issue #8).
 */
public record DeskSession(OctvexClient client, PrincipalView user, WorkspaceView workspace) {}
