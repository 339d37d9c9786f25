package io.octvex.protocol;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;

/**
 * The Java client of the Octvex API, used by the Desk, the edge and the CLI. Thread-safe and immutable:
 * {@link #withToken} gives a client acting as another principal.
 */
public final class OctvexClient {
    private static final String API = "/api/v1";

    private final URI base;
    private final String token;
    private final HttpClient http;

    private OctvexClient(URI base, String token, HttpClient http) {
        this.base = base;
        this.token = token;
        this.http = http;
    }

    public static OctvexClient connect(String baseUrl) {
        String trimmed = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return new OctvexClient(URI.create(trimmed), null, http);
    }

    public OctvexClient withToken(String newToken) {
        return new OctvexClient(base, Objects.requireNonNull(newToken), http);
    }

    public URI baseUri() {
        return base;
    }

    // --- session -----------------------------------------------------------------------------------------

    /** Logs in and returns the session; use {@code withToken(session.token())} to act as that user. */
    public Session login(String username, String password) {
        return send("POST", API + "/auth/login", new LoginRequest(username, password), Session.class);
    }

    /** Ends this client's login session. */
    public void logout() {
        send("POST", API + "/auth/logout", null, Void.class);
    }

    /** Trades a one-time pairing code (from {@code ./octvex pair}) for a session, like {@link #login}. */
    public Session pair(String code) {
        return send("POST", API + "/auth/pair", new PairRequest(code), Session.class);
    }

    /** A one-time pairing code for {@code username} (null: for me); only a login session may ask. */
    public PairingCode createPairingCode(String username) {
        return send("POST", API + "/pairing-codes", new CreatePairingCode(username), PairingCode.class);
    }

    /** Changes the logged-in user's password; their other sessions end. */
    public void changePassword(String currentPassword, String newPassword) {
        send("POST", API + "/me/password", new ChangePassword(currentPassword, newPassword), Void.class);
    }

    public PrincipalView me() {
        return send("GET", API + "/me", null, PrincipalView.class);
    }

    // --- workspaces ----------------------------------------------------------------------------------------

    public List<WorkspaceView> workspaces() {
        return send("GET", API + "/workspaces", null, new TypeReference<List<WorkspaceView>>() {});
    }

    public WorkspaceView createWorkspace(String name) {
        return send("POST", API + "/workspaces", new CreateWorkspace(name), WorkspaceView.class);
    }

    public WorkspaceView workspace(UUID workspaceId) {
        return send("GET", ws(workspaceId), null, WorkspaceView.class);
    }

    public WorkspaceView renameWorkspace(UUID workspaceId, String name) {
        return send("PATCH", ws(workspaceId), new RenameWorkspace(name), WorkspaceView.class);
    }

    public WorkspaceView archiveWorkspace(UUID workspaceId) {
        return send("POST", ws(workspaceId) + "/archive", null, WorkspaceView.class);
    }

    // --- members and tokens --------------------------------------------------------------------------------

    public MemberView createPrincipal(UUID workspaceId, CreatePrincipal request) {
        return send("POST", ws(workspaceId) + "/members", request, MemberView.class);
    }

    public MemberView putMembership(UUID workspaceId, UUID principalId, List<Role> roles) {
        return send("PUT", ws(workspaceId) + "/members/" + principalId, new PutMembership(roles), MemberView.class);
    }

    public List<MemberView> members(UUID workspaceId) {
        return send("GET", ws(workspaceId) + "/members", null, new TypeReference<List<MemberView>>() {});
    }

    /** An invitation: a one-time pairing code for a member who has never signed in. */
    public PairingCode invitePairingCode(UUID workspaceId, UUID principalId) {
        return send("POST", ws(workspaceId) + "/members/" + principalId + "/pairing-code", null, PairingCode.class);
    }

    public void removeMember(UUID workspaceId, UUID principalId) {
        send("DELETE", ws(workspaceId) + "/members/" + principalId, null, Void.class);
    }

    public IssuedToken createToken(UUID workspaceId, CreateToken request) {
        return send("POST", ws(workspaceId) + "/tokens", request, IssuedToken.class);
    }

    public List<TokenView> tokens(UUID workspaceId) {
        return send("GET", ws(workspaceId) + "/tokens", null, new TypeReference<List<TokenView>>() {});
    }

    public TokenView revokeToken(UUID workspaceId, UUID tokenId) {
        return send("POST", ws(workspaceId) + "/tokens/" + tokenId + "/revoke", null, TokenView.class);
    }

    // --- runs -------------------------------------------------------------------------------------------------

    public RunView submitRun(UUID workspaceId, SubmitRun request) {
        return send("POST", ws(workspaceId) + "/runs", request, RunView.class);
    }

    /** Several runs in one request and one transaction, all or none ({@code POST …/runs/batch}). */
    public SubmittedRuns submitRuns(UUID workspaceId, SubmitRuns request) {
        return send("POST", ws(workspaceId) + "/runs/batch", request, SubmittedRuns.class);
    }

    public RunView run(UUID workspaceId, UUID runId) {
        return send("GET", ws(workspaceId) + "/runs/" + runId, null, RunView.class);
    }

    public RunPage runs(UUID workspaceId, RunStatus status, int limit) {
        return runs(workspaceId, status, limit, null);
    }

    /** A page of runs, newest first; {@code before} is the previous page's {@code nextBefore}, or null. */
    public RunPage runs(UUID workspaceId, RunStatus status, int limit, String before) {
        return runs(workspaceId, status, null, null, limit, before);
    }

    /** As {@link #runs(UUID, RunStatus, int, String)}, of the runs created from {@code from} to {@code to} (each optional). */
    public RunPage runs(UUID workspaceId, RunStatus status, Instant from, Instant to, int limit, String before) {
        String query = "?limit=" + limit + (status == null ? "" : "&status=" + status.wire())
                + (from == null ? "" : "&from=" + from) + (to == null ? "" : "&to=" + to)
                + (before == null ? "" : "&before=" + URLEncoder.encode(before, StandardCharsets.UTF_8));
        return send("GET", ws(workspaceId) + "/runs" + query, null, RunPage.class);
    }

    public RunView cancelRun(UUID workspaceId, UUID runId, String reason) {
        return send("POST", ws(workspaceId) + "/runs/" + runId + "/cancel", new CancelRun(reason), RunView.class);
    }

    public Timeline timeline(UUID workspaceId, UUID runId) {
        return send("GET", ws(workspaceId) + "/runs/" + runId + "/timeline", null, Timeline.class);
    }

    // --- policy ---------------------------------------------------------------------------------------------

    /** Saves a new policy version (compiled and its tests run first); {@code activate} makes it decide. */
    /** Approvals newest first; {@code status} and {@code runId} may be null (any). */
    public List<ApprovalView> approvals(UUID workspaceId, ApprovalStatus status, UUID runId) {
        String query = "?limit=200" + (status == null ? "" : "&status=" + status.wire())
                + (runId == null ? "" : "&runId=" + runId);
        return send("GET", ws(workspaceId) + "/approvals" + query, null, new TypeReference<List<ApprovalView>>() {});
    }

    public ApprovalView approval(UUID workspaceId, UUID approvalId) {
        return send("GET", ws(workspaceId) + "/approvals/" + approvalId, null, ApprovalView.class);
    }

    public ApprovalView approve(UUID workspaceId, UUID approvalId, DecideApproval answer) {
        return send("POST", ws(workspaceId) + "/approvals/" + approvalId + "/approve", answer, ApprovalView.class);
    }

    public ApprovalView deny(UUID workspaceId, UUID approvalId, String reason) {
        return send("POST", ws(workspaceId) + "/approvals/" + approvalId + "/deny", new DecideApproval(reason, null),
                ApprovalView.class);
    }

    /**
     * A step-up challenge for an approval whose rule says {@code step_up: webauthn}: open its
     * {@code ceremonyUrl} in a browser, or answer it with {@link #approveWithStepUp}.
     */
    public WebAuthnCeremony startStepUp(UUID workspaceId, UUID approvalId, StartStepUp request) {
        return send("POST", ws(workspaceId) + "/approvals/" + approvalId + "/step-up", request,
                WebAuthnCeremony.class);
    }

    public ApprovalView approveWithStepUp(UUID workspaceId, UUID approvalId, StepUpAssertion assertion) {
        return send("POST", ws(workspaceId) + "/approvals/" + approvalId + "/step-up/assertion", assertion,
                ApprovalView.class);
    }

    public PolicyVersionView savePolicy(UUID workspaceId, String document, boolean activate) {
        return send("POST", ws(workspaceId) + "/policy/versions", new SavePolicy(document, activate),
                PolicyVersionView.class);
    }

    public PolicyVersionView activePolicy(UUID workspaceId) {
        return send("GET", ws(workspaceId) + "/policy", null, PolicyVersionView.class);
    }

    /** Every version of the workspace's policy, newest first. */
    public List<PolicyVersionView> policyVersions(UUID workspaceId) {
        return send("GET", ws(workspaceId) + "/policy/versions", null, new TypeReference<List<PolicyVersionView>>() {});
    }

    public PolicyVersionView policyVersion(UUID workspaceId, int version) {
        return send("GET", ws(workspaceId) + "/policy/versions/" + version, null, PolicyVersionView.class);
    }

    public PolicyVersionView activatePolicy(UUID workspaceId, int version) {
        return send("POST", ws(workspaceId) + "/policy/versions/" + version + "/activate", null,
                PolicyVersionView.class);
    }

    public Explanation explainPolicy(UUID workspaceId, PolicyInput input) {
        return send("POST", ws(workspaceId) + "/policy/explain", input, Explanation.class);
    }

    /** What changed from version {@code against} (null: the version before) to {@code version}. */
    public PolicyDiff policyDiff(UUID workspaceId, int version, Integer against) {
        return send("GET", ws(workspaceId) + "/policy/versions/" + version + "/diff"
                + (against == null ? "" : "?against=" + against), null, PolicyDiff.class);
    }

    /**
     * Replays the workspace's {@code last} (null: 100) recorded gate decisions under a draft policy and says
     * which it would decide differently; nothing is saved.
     */
    public DryRunReport dryRunPolicy(UUID workspaceId, String document, Integer last) {
        return send("POST", ws(workspaceId) + "/policy/dry-run", new DryRunPolicy(document, last), DryRunReport.class);
    }

    // --- edge enrolment -------------------------------------------------------------------------------------

    /** An enrolment token for edges; its secret is in the answer only. */
    public IssuedEnrollment createEnrollment(UUID workspaceId, CreateEnrollment request) {
        return send("POST", ws(workspaceId) + "/edges/enrollments", request, IssuedEnrollment.class);
    }

    public List<EnrollmentView> enrollments(UUID workspaceId) {
        return send("GET", ws(workspaceId) + "/edges/enrollments", null, new TypeReference<List<EnrollmentView>>() {});
    }

    public EnrollmentView revokeEnrollment(UUID workspaceId, UUID enrollmentId) {
        return send("POST", ws(workspaceId) + "/edges/enrollments/" + enrollmentId + "/revoke", null,
                EnrollmentView.class);
    }

    // --- vault ---------------------------------------------------------------------------------------------

    /** Stores a new secret; its value never comes back from any call. */
    public SecretView createSecret(UUID workspaceId, CreateSecret request) {
        return send("POST", ws(workspaceId) + "/secrets", request, SecretView.class);
    }

    /** Replaces a secret's value: a new version, sealed under the workspace's current data key. */
    public SecretView updateSecret(UUID workspaceId, String name, UpdateSecret request) {
        return send("PUT", secretPath(workspaceId, name) + "/value", request, SecretView.class);
    }

    public List<SecretView> secrets(UUID workspaceId) {
        return send("GET", ws(workspaceId) + "/secrets", null, new TypeReference<List<SecretView>>() {});
    }

    public SecretView secret(UUID workspaceId, String name) {
        return send("GET", secretPath(workspaceId, name), null, SecretView.class);
    }

    public void deleteSecret(UUID workspaceId, String name) {
        send("DELETE", secretPath(workspaceId, name), null, Void.class);
    }

    public VaultStatus vault(UUID workspaceId) {
        return send("GET", ws(workspaceId) + "/vault", null, VaultStatus.class);
    }

    /** Makes a new data key for the workspace; secrets sealed under older ones are re-encrypted in the background. */
    public VaultStatus rotateVault(UUID workspaceId) {
        return send("POST", ws(workspaceId) + "/vault/rotate", null, VaultStatus.class);
    }

    // --- events and audit ------------------------------------------------------------------------------------

    public EventPage events(UUID workspaceId, long afterSeq, int limit) {
        return send("GET", ws(workspaceId) + "/events?after=" + afterSeq + "&limit=" + limit, null, EventPage.class);
    }

    /** Events matching {@code search}, oldest first, after {@code afterSeq}; {@code lastSeq} is the next cursor. */
    public EventPage events(UUID workspaceId, EventSearch search, long afterSeq, int limit) {
        return send("GET", ws(workspaceId) + "/events?after=" + afterSeq + "&limit=" + limit + search.query(), null,
                EventPage.class);
    }

    /**
     * Events matching {@code search}, newest first, before {@code beforeSeq} (null: from the newest); pass the
     * answer's {@code lastSeq} as {@code beforeSeq} for the next page.
     */
    public EventPage eventsNewestFirst(UUID workspaceId, EventSearch search, Long beforeSeq, int limit) {
        return send("GET", ws(workspaceId) + "/events?order=newest&limit=" + limit
                + (beforeSeq == null ? "" : "&before=" + beforeSeq) + search.query(), null, EventPage.class);
    }

    public ChainReport verifyChain(UUID workspaceId) {
        return send("POST", ws(workspaceId) + "/events/verify", null, ChainReport.class);
    }

    /**
     * Follows the workspace's live event stream from {@code afterSeq} (0 = from the start), reconnecting and
     * resuming by itself. Callbacks run on a background thread. Close the subscription to stop.
     */
    public EventSubscription subscribe(UUID workspaceId, long afterSeq, Consumer<EventView> onEvent,
                                       Consumer<Throwable> onError) {
        return subscribe(workspaceId, afterSeq, onEvent, onError, () -> {});
    }

    /**
     * As {@link #subscribe(UUID, long, Consumer, Consumer)}, and {@code onOpen} runs (on the background thread)
     * each time the stream is (re)connected, before the events it resumes with: a live/offline indicator.
     */
    public EventSubscription subscribe(UUID workspaceId, long afterSeq, Consumer<EventView> onEvent,
                                       Consumer<Throwable> onError, Runnable onOpen) {
        URI uri = base.resolve(ws(workspaceId) + "/events/stream");
        return new EventSubscription(http, authorised(HttpRequest.newBuilder()), uri, afterSeq, onEvent, onError,
                Objects.requireNonNull(onOpen));
    }

    // --- fleet ----------------------------------------------------------------------------------------------

    /** The edges serving the workspace; {@code activeLeases} counts this workspace's leases. */
    public List<EdgeView> edges(UUID workspaceId) {
        return send("GET", ws(workspaceId) + "/edges", null, new TypeReference<List<EdgeView>>() {});
    }

    public EdgeView edge(UUID workspaceId, UUID edgeId) {
        return send("GET", ws(workspaceId) + "/edges/" + edgeId, null, EdgeView.class);
    }

    /** No new leases for the edge; its in-flight work continues. */
    public EdgeView quarantineEdge(UUID workspaceId, UUID edgeId) {
        return send("POST", ws(workspaceId) + "/edges/" + edgeId + "/quarantine", null, EdgeView.class);
    }

    /** No new leases; the edge exits once idle. */
    public EdgeView drainEdge(UUID workspaceId, UUID edgeId) {
        return send("POST", ws(workspaceId) + "/edges/" + edgeId + "/drain", null, EdgeView.class);
    }

    /** Back to active (un-quarantine, stop draining). */
    public EdgeView releaseEdge(UUID workspaceId, UUID edgeId) {
        return send("POST", ws(workspaceId) + "/edges/" + edgeId + "/release", null, EdgeView.class);
    }

    /** An artifact's bytes (a screenshot, a download), as the edge uploaded them. */
    public byte[] artifact(UUID workspaceId, UUID runId, UUID artifactId) {
        HttpRequest request = authorised(HttpRequest.newBuilder(
                base.resolve(ws(workspaceId) + "/runs/" + runId + "/artifacts/" + artifactId)))
                .timeout(Duration.ofSeconds(60)).GET().build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            failOn(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
            return response.body();
        } catch (IOException e) {
            throw new OctvexConnectionException("cannot reach the Octvex server at " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OctvexConnectionException("interrupted while calling " + base, e);
        }
    }

    // --- plumbing --------------------------------------------------------------------------------------------

    private static String ws(UUID workspaceId) {
        return API + "/workspaces/" + URLEncoder.encode(workspaceId.toString(), StandardCharsets.UTF_8);
    }

    private static String secretPath(UUID workspaceId, String name) {
        return ws(workspaceId) + "/secrets/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder authorised(HttpRequest.Builder builder) {
        builder.header(ProtocolVersion.HEADER, Integer.toString(ProtocolVersion.CURRENT));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private <T> T send(String method, String path, Object body, Class<T> type) {
        String text = exchange(method, path, body);
        return type == Void.class || text.isEmpty() ? null : Json.read(text, type);
    }

    private <T> T send(String method, String path, Object body, TypeReference<T> type) {
        return Json.mapper().readValue(exchange(method, path, body), type);
    }

    private String exchange(String method, String path, Object body) {
        HttpRequest.Builder builder = authorised(HttpRequest.newBuilder(base.resolve(path)))
                .timeout(Duration.ofSeconds(60)).header("Accept", "application/json");
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
        }
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            failOn(response.statusCode(), response.body());
            return response.body();
        } catch (IOException e) {
            throw new OctvexConnectionException("cannot reach the Octvex server at " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OctvexConnectionException("interrupted while calling " + base, e);
        }
    }

    static void failOn(int status, String body) {
        if (status < 400) {
            return;
        }
        Problem problem;
        try {
            problem = Json.read(body, Problem.class);
        } catch (JacksonException | IllegalArgumentException e) {
            problem = new Problem("about:blank", "HTTP " + status, status, body, null);
        }
        throw new OctvexApiException(problem);
    }
}
