package io.octvex.desk.connect;

import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.PrincipalView;
import io.octvex.protocol.Session;
import io.octvex.protocol.WorkspaceView;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Signing in: server URL and username and password, or server URL and a one-time pairing code from
 * {@code ./octvex pair} (ADR 0031); then the workspace (asked only when the user is in several).
 * Calls run on {@code io}; results come back on {@code fx}. Properties are read and written on the FX thread.
 */
public final class ConnectModel {
    private final Function<String, OctvexClient> connector;
    private final Executor io;
    private final Executor fx;
    private final Consumer<DeskSession> onConnected;
    private final SessionMemory memory;

    private final StringProperty serverUrl = new SimpleStringProperty("");
    private final StringProperty username = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final StringProperty error = new SimpleStringProperty("");
    private final ObservableList<WorkspaceView> workspaces = FXCollections.observableArrayList();
    private OctvexClient signedIn;
    private PrincipalView principal;
    /** Set by a fresh sign-in (kept once a workspace is chosen); null after a resume, whose token is kept already. */
    private String freshToken;

    public ConnectModel(String defaultServerUrl, Function<String, OctvexClient> connector, Executor io, Executor fx,
                        Consumer<DeskSession> onConnected) {
        this(defaultServerUrl, connector, io, fx, onConnected, SessionMemory.NONE);
    }

    /** {@code memory}: where the session is kept once a workspace is chosen, and forgotten when it has ended. */
    public ConnectModel(String defaultServerUrl, Function<String, OctvexClient> connector, Executor io, Executor fx,
                        Consumer<DeskSession> onConnected, SessionMemory memory) {
        this.serverUrl.set(defaultServerUrl == null ? "" : defaultServerUrl);
        this.connector = connector;
        this.io = io;
        this.fx = fx;
        this.onConnected = onConnected;
        this.memory = memory;
    }

    public StringProperty serverUrlProperty() {
        return serverUrl;
    }

    public StringProperty usernameProperty() {
        return username;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }

    /** Filled when the user is in several workspaces: the Desk asks which one. */
    public ObservableList<WorkspaceView> workspaces() {
        return FXCollections.unmodifiableObservableList(workspaces);
    }

    /** Signs in; the password array is wiped once the request is built. */
    public void signIn(char[] password) {
        String url = serverUrl.get().strip();
        String user = username.get().strip();
        if (url.isEmpty() || user.isEmpty() || password.length == 0) {
            java.util.Arrays.fill(password, '\0');
            error.set("Enter the server URL, your username and your password.");
            return;
        }
        String secret = new String(password);
        java.util.Arrays.fill(password, '\0');
        open(url, anonymous -> anonymous.login(user, secret), e ->
                e instanceof OctvexApiException api && api.status() == 401 ? "Wrong username or password." : null);
    }

    /** Pairs with a one-time code: the server trades it for the same session a login gives. */
    public void pair(String code) {
        String url = serverUrl.get().strip();
        String typed = code == null ? "" : code.strip();
        if (url.isEmpty() || typed.isEmpty()) {
            error.set("Enter the server URL and the code ./octvex pair printed on the server.");
            return;
        }
        open(url, anonymous -> anonymous.pair(typed), e -> e instanceof OctvexApiException api
                && api.status() != 403 && api.problem().detail() != null && !api.problem().detail().isBlank()
                ? "Pairing refused: " + Character.toUpperCase(api.problem().detail().charAt(0))
                        + api.problem().detail().substring(1) + "." : null);
    }

    /**
     * Gets a session off the FX thread and lists its workspaces; a failure is {@code said}'s sentence for it, or
     * else the general one.
     */
    private void open(String url, Function<OctvexClient, Session> session, Function<RuntimeException, String> said) {
        busy.set(true);
        error.set("");
        workspaces.clear();
        io.execute(() -> {
            try {
                OctvexClient anonymous = connector.apply(url);
                Session s = session.apply(anonymous);
                OctvexClient client = anonymous.withToken(s.token());
                List<WorkspaceView> mine = client.workspaces();
                fx.execute(() -> signedIn(client, s.principal(), s.token(), mine, null));
            } catch (RuntimeException e) {
                String sentence = e instanceof IllegalArgumentException ? "That server URL is not valid." : said.apply(e);
                fx.execute(() -> {
                    busy.set(false);
                    error.set(sentence != null ? sentence : Problems.describe(e));
                });
            }
        });
    }

    /**
     * Goes straight in with a session kept from an earlier start: the token still works → the saved workspace (or
     * the picker when it is gone); refused (401) → the session is forgotten and the sign-in form shows, saying so.
     */
    public void resume(String user, UUID workspaceId, String token) {
        String url = serverUrl.get().strip();
        busy.set(true);
        error.set("");
        workspaces.clear();
        io.execute(() -> {
            try {
                OctvexClient client = connector.apply(url).withToken(token);
                PrincipalView me = client.me();
                List<WorkspaceView> mine = client.workspaces();
                fx.execute(() -> signedIn(client, me, null, mine, workspaceId));
            } catch (RuntimeException e) {
                boolean ended = e instanceof OctvexApiException api && api.status() == 401;
                if (ended) {
                    memory.forget(url, user);
                }
                fx.execute(() -> {
                    busy.set(false);
                    username.set(user);
                    error.set(ended ? "Your saved session has ended (signed out or expired): sign in again."
                            : Problems.describe(e));
                });
            }
        });
    }

    private void signedIn(OctvexClient client, PrincipalView me, String token, List<WorkspaceView> mine,
                          UUID preferred) {
        busy.set(false);
        if (mine.isEmpty()) {
            error.set("Signed in as " + me.name() + ", who is not a member of any workspace yet.");
            return;
        }
        signedIn = client;
        principal = me;
        freshToken = token;
        WorkspaceView saved = mine.stream().filter(w -> w.id().equals(preferred)).findFirst().orElse(null);
        if (saved != null || mine.size() == 1) {
            choose(saved != null ? saved : mine.getFirst());
        } else {
            workspaces.setAll(mine);
        }
    }

    /** Opens the Desk in {@code workspace} (one of {@link #workspaces()}). */
    public void choose(WorkspaceView workspace) {
        if (signedIn == null) {
            throw new IllegalStateException("not signed in");
        }
        if (freshToken != null) {
            String url = signedIn.baseUri().toString();
            String user = principal.name();
            String token = freshToken;
            io.execute(() -> memory.remember(url, user, workspace.id(), token));
        }
        onConnected.accept(new DeskSession(signedIn, principal, workspace));
    }
}
