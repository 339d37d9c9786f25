package io.octvex.desk.mcpclients;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and edits clients' files. A file we cannot parse is never written: the edit stops with the parse
 * error. Writing goes through {@link SafeFile} (backup, temporary file, atomic move), and only when the text
 * changes.
 */
final class ClientConfigs {
    /** What an edit did, in a sentence; {@code backup} is null when nothing was backed up. */
    record Outcome(boolean written, Path backup, String message) {}

    private final SafeFile files;

    ClientConfigs(SafeFile files) {
        this.files = files;
    }

    ClientStatus status(ClientDescriptor client, BridgeTarget target, boolean http) {
        if (!client.installed()) {
            return new ClientStatus(client, ClientStatus.State.NOT_FOUND, client.shownFile());
        }
        try {
            Object current = client.format().current(SafeFile.read(client.file()));
            if (current == null) {
                return new ClientStatus(client, ClientStatus.State.NOT_CONFIGURED, client.shownFile());
            }
            boolean same = Objects.equals(current, client.format().entry(target, http && client.format().http()));
            return new ClientStatus(client, same ? ClientStatus.State.CONFIGURED : ClientStatus.State.DIFFERENT,
                    client.shownFile());
        } catch (ConfigException | IOException e) {
            return new ClientStatus(client, ClientStatus.State.UNREADABLE, unreadable(client, e));
        }
    }

    Outcome configure(ClientDescriptor client, BridgeTarget target, boolean http) throws IOException {
        Map<String, Object> entry = client.format().entry(target, http && client.format().http());
        return edit(client, text -> client.format().put(text, entry), "Configured " + client.name(),
                client.name() + " was already configured; nothing written");
    }

    Outcome remove(ClientDescriptor client) throws IOException {
        return edit(client, text -> client.format().remove(text), "Removed Octvex from " + client.name(),
                client.name() + " has no Octvex entry; nothing written");
    }

    private Outcome edit(ClientDescriptor client, java.util.function.UnaryOperator<String> change, String done,
            String unchanged) throws IOException {
        String before = SafeFile.read(client.file());
        String after;
        try {
            after = change.apply(before);
        } catch (ConfigException e) {
            return new Outcome(false, null, unreadable(client, e));
        }
        if (after.equals(before)) {
            return new Outcome(false, null, unchanged);
        }
        Path backup = files.write(client.file(), after);
        return new Outcome(true, backup, done + " (" + client.shownFile() + (backup == null ? ", new file)"
                : "; the previous version is in " + backup.getFileName() + ")"));
    }

    private static String unreadable(ClientDescriptor client, Exception e) {
        return client.shownFile() + " cannot be read (" + e.getMessage() + "); it was left as it is. Fix it in "
                + client.name() + " or by hand, then try again.";
    }
}
