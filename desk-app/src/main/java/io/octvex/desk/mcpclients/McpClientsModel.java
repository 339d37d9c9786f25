package io.octvex.desk.mcpclients;

import java.util.List;
import java.util.concurrent.Executor;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The page's state: one row per known client and a notice line. File reads and writes, and the token set-up,
 * run on {@code io}; the results are published on {@code fx}.
 */
final class McpClientsModel {
    /** Makes sure the bridge will find a token; returns a sentence for the notice line, or null. */
    interface TokenSetup {
        String ensure() throws Exception;
    }

    private final List<ClientDescriptor> clients;
    private final ClientConfigs configs;
    private final BridgeTarget target;
    private final TokenSetup tokens;
    private final Executor io;
    private final Executor fx;
    private final ObservableList<ClientStatus> rows = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper notice = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);
    private final BooleanProperty preferHttp = new SimpleBooleanProperty(false);

    McpClientsModel(List<ClientDescriptor> clients, ClientConfigs configs, BridgeTarget target, TokenSetup tokens,
            Executor io, Executor fx) {
        this.clients = List.copyOf(clients);
        this.configs = configs;
        this.target = target;
        this.tokens = tokens;
        this.io = io;
        this.fx = fx;
        preferHttp.addListener((obs, old, now) -> refresh());
    }

    ObservableList<ClientStatus> rows() {
        return rows;
    }

    ReadOnlyStringProperty notice() {
        return notice.getReadOnlyProperty();
    }

    ReadOnlyBooleanProperty busy() {
        return busy.getReadOnlyProperty();
    }

    /** Direct HTTP (token from $OCTVEX_TOKEN) for the clients that support it, instead of the bridge. */
    BooleanProperty preferHttp() {
        return preferHttp;
    }

    BridgeTarget target() {
        return target;
    }

    void refresh() {
        boolean http = preferHttp.get();
        io.execute(() -> {
            List<ClientStatus> now = clients.stream().map(c -> configs.status(c, target, http)).toList();
            fx.execute(() -> rows.setAll(now));
        });
    }

    void configure(ClientDescriptor client) {
        boolean http = preferHttp.get() && client.format().http();
        run(() -> {
            String tokenNote = http ? "It reads the token from $" + BridgeTarget.TOKEN_VARIABLE
                    + ": set it in the environment " + client.name() + " starts with." : tokens.ensure();
            ClientConfigs.Outcome outcome = configs.configure(client, target, http);
            return tokenNote == null || !outcome.written() ? outcome.message() : outcome.message() + ". " + tokenNote;
        });
    }

    void remove(ClientDescriptor client) {
        run(() -> configs.remove(client).message());
    }

    private interface Step {
        String call() throws Exception;
    }

    private void run(Step step) {
        busy.set(true);
        io.execute(() -> {
            String message;
            try {
                message = step.call();
            } catch (Exception e) {
                message = "Failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
            String said = message;
            fx.execute(() -> {
                notice.set(said);
                busy.set(false);
            });
            refresh();
        });
    }
}
