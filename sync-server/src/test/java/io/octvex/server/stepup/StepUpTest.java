package io.octvex.server.stepup;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.WaitForSelectorState;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.Json;
import io.octvex.protocol.Role;
import io.octvex.protocol.WebAuthnCeremony;
import io.octvex.protocol.WebAuthnCredentialView;
import io.octvex.server.ServerTest;
import io.octvex.server.TestClock;
import io.octvex.server.approval.ApprovalFixtures;
import io.octvex.server.approval.StepUpProof;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.fleet.FleetFixtures;
import io.octvex.server.identity.TestApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Step-up approvals with real parts: the server over HTTP and PostgreSQL, and Debian's Chromium with a CDP
 * virtual authenticator (CTAP2, user verification) doing the WebAuthn ceremonies on the server's ceremony
 * page (as the Desk's system browser would) or for an API client. Every refusal is checked to record no vote.
 */
@ServerTest
class StepUpTest {
    private static final String POLICY = ApprovalFixtures.POLICY.replace("approval: {role: approver, quorum: 1,",
            "approval: {role: approver, step_up: webauthn, quorum: 1,");
    /** Gets an assertion from the virtual authenticator without posting it, as an API client would. */
    private static final String ASSERT = """
            async (o) => {
              const c = await navigator.credentials.get({publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(JSON.parse(o))});
              return JSON.stringify(c.toJSON());
            }""";

    static Path scratch;
    static Playwright playwright;
    static Browser browser;

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TestClock clock;
    @Autowired
    CeremonyStore store;
    @Autowired
    org.springframework.transaction.support.TransactionTemplate tx;

    ApprovalFixtures fixtures;
    TestApi api;
    UUID ws;
    TestApi.User approver;
    BrowserContext context;
    Page page;

    @BeforeAll
    static void chromium() throws Exception {
        scratch = Files.createTempDirectory(Path.of("/tmp"), "oxs-"); // short: Chromium keeps a socket there
        Files.createDirectories(scratch.resolve("config"));
        System.setProperty("playwright.driver.tmpdir", Files.createDirectories(scratch.resolve("driver")).toString());
        Map<String, String> env = new HashMap<>(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1",
                "TMPDIR", scratch.toString(), "XDG_CONFIG_HOME", scratch.resolve("config").toString()));
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(env));
        Map<String, String> browserEnv = new HashMap<>(System.getenv());
        browserEnv.putAll(env);
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Path.of("/usr/bin/chromium")).setHeadless(true).setChromiumSandbox(false)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--no-first-run", "--disable-sync"))
                .setEnv(browserEnv));
    }

    @AfterAll
    static void closeChromium() throws java.io.IOException {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (scratch != null) { // the unpacked driver and Chromium's profile: over 100 MB
            try (var paths = Files.walk(scratch)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @BeforeEach
    void workspaceAndKey() {
        fixtures = new ApprovalFixtures(port);
        api = fixtures.fleet().api();
        ws = fixtures.fleet().workspace("step-up");
        fixtures.savePolicy(ws, POLICY);
        approver = api.newUser(ws, Role.APPROVER);
        context = browser.newContext();
        page = pageWithAuthenticator();
        register(approver, "virtual key");
    }

    /** A tab with its own virtual authenticator: another security key. */
    private Page pageWithAuthenticator() {
        Page p = context.newPage();
        CDPSession cdp = context.newCDPSession(p);
        cdp.send("WebAuthn.enable");
        JsonObject options = JsonParser.parseString("""
                {"options": {"protocol": "ctap2", "transport": "internal", "hasResidentKey": true,
                 "hasUserVerification": true, "isUserVerified": true, "automaticPresenceSimulation": true}}""")
                .getAsJsonObject();
        cdp.send("WebAuthn.addVirtualAuthenticator", options);
        return p;
    }

    @AfterEach
    void cleanUp() {
        clock.reset();
        context.close();
    }

    private void register(TestApi.User who, String label) {
        TestApi.Response started = api.send("POST", "/api/v1/me/webauthn/registrations", who.token(),
                Map.of("label", label));
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        register(Json.read(started.body(), WebAuthnCeremony.class), label, page);
    }

    /** Finishes a registration on the ceremony page in {@code page}, with that tab's authenticator. */
    private void register(WebAuthnCeremony ceremony, String label, Page page) {
        assertThat(ceremony.ceremonyUrl()).startsWith("http://localhost:" + port + "/webauthn/ceremony.html#ticket=");
        page.navigate(ceremony.ceremonyUrl());
        page.click("#go");
        page.waitForSelector("#status.done", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.ATTACHED));
        assertThat(page.textContent("#status")).contains("'" + label + "' is registered");
        assertThat(page.url()).as("the ticket leaves the address bar").doesNotContain("ticket");
    }

    private List<WebAuthnCredentialView> keys(TestApi.User who) {
        TestApi.Response r = api.get("/api/v1/me/webauthn/credentials", who.token());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return List.of(Json.read(r.body(), WebAuthnCredentialView[].class));
    }

    private TestApi.Response startStepUp(TestApi.User who, UUID workspaceId, UUID approvalId) {
        return api.send("POST", "/api/v1/workspaces/" + workspaceId + "/approvals/" + approvalId + "/step-up",
                who.token(), Map.of("reason", "checked the amount"));
    }

    private WebAuthnCeremony challenge(UUID approvalId) {
        TestApi.Response r = startStepUp(approver, ws, approvalId);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return Json.read(r.body(), WebAuthnCeremony.class);
    }

    /** An assertion from the virtual authenticator for a challenge, made on the server's origin. */
    private JsonNode assertion(WebAuthnCeremony ceremony) {
        return assertion(ceremony, page);
    }

    private JsonNode assertion(WebAuthnCeremony ceremony, Page page) {
        if (!page.url().startsWith("http://localhost:" + port + "/")) {
            page.navigate("http://localhost:" + port + StepUps.PAGE);
        }
        return Json.tree((String) page.evaluate(ASSERT, Json.write(ceremony.publicKey())));
    }

    private TestApi.Response keyChallenge(TestApi.User who, String purpose, UUID credentialId, String label) {
        Map<String, Object> body = new HashMap<>();
        body.put("purpose", purpose);
        body.put("credentialId", credentialId);
        body.put("label", label);
        return api.send("POST", "/api/v1/me/webauthn/key-challenges", who.token(), body);
    }

    private WebAuthnCeremony keyChallengeFor(TestApi.User who, String purpose, UUID credentialId) {
        TestApi.Response r = keyChallenge(who, purpose, credentialId, "YubiKey 5C");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return Json.read(r.body(), WebAuthnCeremony.class);
    }

    private static Map<String, Object> proof(UUID challengeId, JsonNode credential) {
        Map<String, Object> proof = new HashMap<>();
        proof.put("challengeId", challengeId);
        proof.put("credential", credential);
        return proof;
    }

    private TestApi.Response startRegistration(TestApi.User who, Map<String, Object> proof) {
        Map<String, Object> body = new HashMap<>();
        body.put("label", "YubiKey 5C");
        body.put("proof", proof);
        return api.send("POST", "/api/v1/me/webauthn/registrations", who.token(), body);
    }

    private TestApi.Response removeKey(TestApi.User who, UUID id, Map<String, Object> proof) {
        return api.send("DELETE", "/api/v1/me/webauthn/credentials/" + id, who.token(), proof);
    }

    private long ceremonies(TestApi.User who, String kind) {
        return jdbc.sql("SELECT count(*) FROM webauthn_ceremonies WHERE principal_id = ? AND kind = ?")
                .params(who.id(), kind).query(Long.class).single();
    }

    private List<String> refusals(TestApi.User who) {
        return jdbc.sql("""
                SELECT data->>'reason' FROM events WHERE workspace_id = ? AND type = 'webauthn.key_change_refused'
                  AND principal_id = ? ORDER BY seq""").params(AuditLog.INSTANCE, who.id()).query(String.class).list();
    }

    private TestApi.Response answer(TestApi.User who, UUID approvalId, UUID challengeId, JsonNode credential) {
        Map<String, Object> body = new HashMap<>();
        body.put("challengeId", challengeId);
        body.put("credential", credential);
        return api.send("POST", "/api/v1/workspaces/" + ws + "/approvals/" + approvalId + "/step-up/assertion",
                who.token(), body);
    }

    private long votes(UUID approvalId) {
        return jdbc.sql("SELECT count(*) FROM approval_votes WHERE workspace_id = ? AND approval_id = ?")
                .params(ws, approvalId).query(Long.class).single();
    }

    @Test
    void aSecurityKeyApprovesThroughTheCeremonyPageAndTheStepIsLeased() {
        List<WebAuthnCredentialView> keys = keys(approver);
        assertThat(keys).singleElement().satisfies(k -> assertThat(k.label()).isEqualTo("virtual key"));
        ApprovalView approval = fixtures.pending(ws);
        assertThat(approval.evidence().path("stepUp").asString()).isEqualTo("webauthn");

        TestApi.Response plain = api.send("POST", "/api/v1/workspaces/" + ws + "/approvals/" + approval.id()
                + "/approve", approver.token(), Map.of());
        assertThat(plain.status()).as(plain.body()).isEqualTo(403);
        assertThat(plain.detail()).contains("needs a step-up").contains("denying needs none");
        assertThat(votes(approval.id())).isZero();

        WebAuthnCeremony ceremony = challenge(approval.id());
        page.navigate(ceremony.ceremonyUrl());
        page.waitForSelector("#go:not([disabled])");
        assertThat(page.textContent("#details")).contains("https://approve.example/things").contains("sign-off");
        page.click("#go");
        page.waitForSelector("#status.done", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.ATTACHED));
        assertThat(page.textContent("#status")).contains("Your approval is recorded (1 of 1)");

        ApprovalView after = Json.read(fixtures.fleet().admin("GET", "/api/v1/workspaces/" + ws + "/approvals/"
                + approval.id()).body(), ApprovalView.class);
        assertThat(after.status()).isEqualTo(ApprovalStatus.APPROVED);
        assertThat(after.votes()).singleElement().satisfies(v -> {
            assertThat(v.principalId()).isEqualTo(approver.id());
            assertThat(v.reason()).isEqualTo("checked the amount");
        });
        // the vote keeps the assertion; its client data signs the challenge bound to this evidence
        String hash = StepUpProof.evidenceHash(after.evidence());
        Map<String, Object> kept = jdbc.sql("""
                SELECT s.credential_id, s.evidence_hash, s.client_data_json, s.signature, s.authenticator_data,
                       c.nonce, c.challenge FROM approval_vote_step_ups s JOIN webauthn_ceremonies c ON c.id = s.ceremony_id
                WHERE s.workspace_id = ? AND s.approval_id = ?""").params(ws, approval.id()).query().singleRow();
        assertThat(kept.get("credential_id")).isEqualTo(keys.getFirst().credentialId());
        assertThat(kept.get("evidence_hash")).isEqualTo(hash);
        byte[] challenge = ChallengeBinding.challenge(hash, approval.id(), "approve", (byte[]) kept.get("nonce"));
        JsonNode clientData = Json.tree(new String((byte[]) kept.get("client_data_json")));
        assertThat(clientData.path("type").asString()).isEqualTo("webauthn.get");
        assertThat(clientData.path("origin").asString()).isEqualTo("http://localhost:" + port);
        assertThat(Base64.getUrlDecoder().decode(clientData.path("challenge").asString())).isEqualTo(challenge);
        assertThat((byte[]) kept.get("signature")).isNotEmpty();
        assertThat(((byte[]) kept.get("authenticator_data"))[32] & 0x05).as("user present and verified").isEqualTo(0x05);
        JsonNode voted = Json.tree(jdbc.sql("""
                SELECT data::text FROM events WHERE workspace_id = ? AND type = 'approval.voted'
                  AND data->>'approvalId' = ?""").params(ws, approval.id().toString()).query(String.class).single());
        assertThat(voted.path("stepUp").path("credentialId").asString()).isEqualTo(keys.getFirst().credentialId());
        assertThat(voted.path("stepUp").path("evidenceHash").asString()).isEqualTo(hash);
        assertThat(keys(approver).getFirst().signCount()).isPositive();

        // the same step resumes in place: the next lease gets it
        FleetFixtures.Edge edge = fixtures.fleet().edge(ws);
        assertThat(fixtures.fleet().lease(edge, 5, 0).leases()).singleElement()
                .satisfies(l -> assertThat(l.stepId()).isEqualTo(approval.stepId()));

        // the ticket was single use
        page.navigate(ceremony.ceremonyUrl());
        page.waitForSelector("#status.error", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.ATTACHED));
        assertThat(page.textContent("#status")).contains("used already or has expired");
    }

    @Test
    void replayedStaleAndMismatchedAssertionsAreRefusedAndRecordNothing() {
        fixtures.savePolicy(ws, POLICY.replace("quorum: 1", "quorum: 2"));
        ApprovalView first = fixtures.pending(ws);
        ApprovalView second = fixtures.pending(ws);

        // an API client answers its challenge: counted once
        WebAuthnCeremony c1 = challenge(first.id());
        JsonNode a1 = assertion(c1);
        TestApi.Response ok = answer(approver, first.id(), c1.id(), a1);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(Json.read(ok.body(), ApprovalView.class).approvals()).isEqualTo(1);

        // replay: the same assertion and challenge again, then the same assertion for a new challenge
        TestApi.Response replay = answer(approver, first.id(), c1.id(), a1);
        assertThat(replay.status()).as(replay.body()).isEqualTo(409);
        assertThat(replay.detail()).contains("answered already");
        WebAuthnCeremony c2 = challenge(second.id());
        TestApi.Response oldAssertion = answer(approver, second.id(), c2.id(), a1);
        assertThat(oldAssertion.status()).as(oldAssertion.body()).isEqualTo(403);
        assertThat(oldAssertion.detail()).contains("does not verify");

        // mismatched: a challenge for the first approval posted to the second
        WebAuthnCeremony c3 = challenge(second.id());
        WebAuthnCeremony forFirst = challenge(first.id());
        TestApi.Response crossed = answer(approver, second.id(), forFirst.id(), assertion(forFirst));
        assertThat(crossed.status()).as(crossed.body()).isEqualTo(409);
        assertThat(crossed.detail()).contains("another approval");

        // mismatched: another approver's challenge
        TestApi.User other = api.newUser(ws, Role.APPROVER);
        TestApi.Response notMine = answer(other, second.id(), c3.id(), assertion(c3));
        assertThat(notMine.status()).as(notMine.body()).isEqualTo(403);
        assertThat(notMine.detail()).contains("another approver");
        TestApi.Response noKey = startStepUp(other, ws, second.id());
        assertThat(noKey.status()).as(noKey.body()).isEqualTo(409);
        assertThat(noKey.detail()).contains("no security key");

        // mismatched: the evidence changed after the challenge was issued
        WebAuthnCeremony c4 = challenge(second.id());
        JsonNode a4 = assertion(c4);
        jdbc.sql("UPDATE approvals SET evidence = jsonb_set(evidence, '{resource}', '\"https://approve.example/other\"') "
                + "WHERE workspace_id = ? AND id = ?").params(ws, second.id()).update();
        TestApi.Response changed = answer(approver, second.id(), c4.id(), a4);
        assertThat(changed.status()).as(changed.body()).isEqualTo(409);
        assertThat(changed.detail()).contains("evidence changed");

        // stale: five minutes later the challenge has expired
        WebAuthnCeremony c5 = challenge(second.id());
        JsonNode a5 = assertion(c5);
        clock.advance(Duration.ofMinutes(6));
        TestApi.Response stale = answer(approver, second.id(), c5.id(), a5);
        assertThat(stale.status()).as(stale.body()).isEqualTo(409);
        assertThat(stale.detail()).contains("expired");
        clock.reset();

        assertThat(votes(first.id())).isEqualTo(1);
        assertThat(votes(second.id())).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'approval.refused'")
                .param(ws).query(Long.class).single()).isEqualTo(6);

        // denying needs no step-up
        TestApi.Response denied = api.send("POST", "/api/v1/workspaces/" + ws + "/approvals/" + second.id() + "/deny",
                approver.token(), Map.of("reason", "not this one"));
        assertThat(denied.status()).as(denied.body()).isEqualTo(200);
        assertThat(Json.read(denied.body(), ApprovalView.class).status()).isEqualTo(ApprovalStatus.DENIED);
    }

    @Test
    void keysAreTheirOwnersOnly() {
        TestApi.User other = api.newUser(ws, Role.APPROVER);
        register(other, "other's key");
        WebAuthnCredentialView othersKey = keys(other).getFirst();
        assertThat(keys(approver)).extracting(WebAuthnCredentialView::credentialId)
                .doesNotContain(othersKey.credentialId());

        // an assertion signed by another principal's key does not count for the approver
        ApprovalView approval = fixtures.pending(ws);
        WebAuthnCeremony mine = challenge(approval.id());
        tools.jackson.databind.node.ObjectNode options = (tools.jackson.databind.node.ObjectNode) mine.publicKey().deepCopy();
        options.putArray("allowCredentials").addObject().put("type", "public-key").put("id", othersKey.credentialId());
        JsonNode signedByOther = assertion(new WebAuthnCeremony(mine.id(), mine.ceremonyUrl(), mine.expiresAt(), options));
        TestApi.Response refused = answer(approver, approval.id(), mine.id(), signedByOther);
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.detail()).contains("not registered to you");
        assertThat(votes(approval.id())).isZero();

        TestApi.Response notHers = api.send("DELETE", "/api/v1/me/webauthn/credentials/" + othersKey.id(),
                approver.token(), null);
        assertThat(notHers.status()).as(notHers.body()).isEqualTo(404);
        WebAuthnCeremony removal = keyChallengeFor(other, "remove", othersKey.id());
        TestApi.Response removed = removeKey(other, othersKey.id(), proof(removal.id(), assertion(removal)));
        assertThat(removed.status()).as(removed.body()).isEqualTo(204);
        assertThat(keys(other)).isEmpty();
        assertThat(keys(approver)).hasSize(1);
    }

    @Test
    void anUnknownStepUpIsRefusedAtItsLineAndColumn() {
        TestApi.Response saved = api.send("POST", "/api/v1/workspaces/" + ws + "/policy/versions",
                fixtures.fleet().adminToken(), Map.of("document", POLICY.replace("step_up: webauthn", "step_up: fido")));
        assertThat(saved.status()).as(saved.body()).isEqualTo(400);
        assertThat(saved.detail()).contains("line 10, column").contains("unknown step_up 'fido'");
    }

    @Test
    void anotherWorkspacesApprovalIsNotFound() {
        UUID otherWs = fixtures.fleet().workspace("step-up-other");
        fixtures.savePolicy(otherWs, POLICY);
        ApprovalView foreign = fixtures.pending(otherWs);
        TestApi.Response viaOwnWorkspace = startStepUp(approver, ws, foreign.id());
        assertThat(viaOwnWorkspace.status()).as(viaOwnWorkspace.body()).isEqualTo(404);
        TestApi.Response viaTheirs = startStepUp(approver, otherWs, foreign.id());
        assertThat(viaTheirs.status()).as(viaTheirs.body()).isEqualTo(404);
        assertThat(jdbc.sql("SELECT count(*) FROM webauthn_ceremonies WHERE approval_id = ?").param(foreign.id())
                .query(Long.class).single()).isZero();
    }

    @Test
    void aSecondKeyNeedsAnAssertionByTheFirst() {
        long registrations = ceremonies(approver, "registration");
        TestApi.Response bare = startRegistration(approver, null);
        assertThat(bare.status()).as(bare.body()).isEqualTo(403);
        assertThat(bare.detail()).contains("needs an assertion by one of your keys").contains("key-challenges");
        assertThat(ceremonies(approver, "registration")).as("nothing started").isEqualTo(registrations);
        assertThat(refusals(approver)).singleElement().asString().contains("needs an assertion");

        // a challenge can only be had by someone with a key, and names what it allows
        TestApi.User newcomer = api.newUser(ws, Role.APPROVER);
        TestApi.Response none = keyChallenge(newcomer, "register", null, "first");
        assertThat(none.status()).as(none.body()).isEqualTo(409);
        assertThat(none.detail()).contains("no security key yet");
        assertThat(keyChallenge(approver, "rotate", null, "x").status()).isEqualTo(400);

        WebAuthnCeremony allow = keyChallengeFor(approver, "register", null);
        Map<String, Object> proof = proof(allow.id(), assertion(allow));
        TestApi.Response started = startRegistration(approver, proof);
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        register(Json.read(started.body(), WebAuthnCeremony.class), "YubiKey 5C", pageWithAuthenticator());
        assertThat(keys(approver)).extracting(WebAuthnCredentialView::label).containsExactly("virtual key", "YubiKey 5C");

        // the proof counts once
        TestApi.Response replay = startRegistration(approver, proof);
        assertThat(replay.status()).as(replay.body()).isEqualTo(409);
        assertThat(replay.detail()).contains("answered already");
        assertThat(refusals(approver)).hasSize(2);
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'webauthn.registered' "
                + "AND principal_id = ?").params(AuditLog.INSTANCE, approver.id()).query(Long.class).single()).isEqualTo(2);
    }

    @Test
    void approvalAndKeyManagementAssertionsAreNotInterchangeable() {
        ApprovalView approval = fixtures.pending(ws);
        WebAuthnCeremony stepUp = challenge(approval.id());
        JsonNode approving = assertion(stepUp);
        WebAuthnCeremony keyChange = keyChallengeFor(approver, "register", null);
        JsonNode managing = assertion(keyChange);

        // an approval's challenge and assertion do not add a key
        TestApi.Response asProof = startRegistration(approver, proof(stepUp.id(), approving));
        assertThat(asProof.status()).as(asProof.body()).isEqualTo(403);
        assertThat(asProof.detail()).contains("issued for an approval");
        TestApi.Response wrongSignature = startRegistration(approver, proof(keyChange.id(), approving));
        assertThat(wrongSignature.status()).as(wrongSignature.body()).isEqualTo(403);
        assertThat(wrongSignature.detail()).contains("does not verify");

        // a key-management challenge and assertion do not approve
        WebAuthnCeremony another = keyChallengeFor(approver, "register", null);
        JsonNode managingAgain = assertion(another);
        TestApi.Response asApproval = answer(approver, approval.id(), another.id(), managingAgain);
        assertThat(asApproval.status()).as(asApproval.body()).isEqualTo(403);
        assertThat(asApproval.detail()).contains("managing your security keys");
        TestApi.Response signedForKeys = answer(approver, approval.id(), stepUp.id(), managing);
        assertThat(signedForKeys.status()).as(signedForKeys.body()).isEqualTo(403);
        assertThat(signedForKeys.detail()).contains("does not verify");

        assertThat(votes(approval.id())).isZero();
        assertThat(keys(approver)).hasSize(1);
        assertThat(ceremonies(approver, "registration")).as("only the first key's").isEqualTo(1);
    }

    @Test
    void removingAKeyNeedsAnAssertionForThatKey() {
        UUID key = keys(approver).getFirst().id();
        TestApi.Response bare = removeKey(approver, key, null);
        assertThat(bare.status()).as(bare.body()).isEqualTo(403);
        assertThat(bare.detail()).contains("removing a security key needs an assertion");
        assertThat(keys(approver)).hasSize(1);

        // a challenge to add a key does not remove one, nor one to remove another key
        WebAuthnCeremony toAdd = keyChallengeFor(approver, "register", null);
        TestApi.Response crossed = removeKey(approver, key, proof(toAdd.id(), assertion(toAdd)));
        assertThat(crossed.status()).as(crossed.body()).isEqualTo(403);
        assertThat(crossed.detail()).contains("issued for adding a security key");
        assertThat(keyChallenge(approver, "remove", UUID.randomUUID(), null).status()).isEqualTo(404);
        assertThat(keys(approver)).hasSize(1);

        // on the ceremony page, as the Desk's browser would
        WebAuthnCeremony toRemove = keyChallengeFor(approver, "remove", key);
        page.navigate(toRemove.ceremonyUrl());
        page.waitForSelector("#go:not([disabled])");
        assertThat(page.textContent("#details")).contains("virtual key");
        page.click("#go");
        page.waitForSelector("#status.done", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.ATTACHED));
        assertThat(page.textContent("#status")).contains("'virtual key' is removed");
        assertThat(keys(approver)).isEmpty();
        assertThat(refusals(approver)).hasSize(2);

        // with no key left, the next is registered with the session alone again
        register(approver, "replacement");
        assertThat(keys(approver)).extracting(WebAuthnCredentialView::label).containsExactly("replacement");
    }

    @Test
    void aRegistrationStartedBeforeTheFirstKeyCannotFinishAfterIt() {
        TestApi.User fresh = api.newUser(ws, Role.APPROVER);
        TestApi.Response early = api.send("POST", "/api/v1/me/webauthn/registrations", fresh.token(),
                Map.of("label", "sneaky"));
        assertThat(early.status()).as(early.body()).isEqualTo(201);
        register(fresh, "mine");
        Page other = pageWithAuthenticator();
        other.navigate(Json.read(early.body(), WebAuthnCeremony.class).ceremonyUrl());
        other.waitForSelector("#go:not([disabled])");
        other.click("#go");
        other.waitForSelector("#status.error", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.ATTACHED));
        assertThat(other.textContent("#status")).contains("registered to you after this registration started");
        assertThat(keys(fresh)).extracting(WebAuthnCredentialView::label).containsExactly("mine");
    }

    @Test
    void anInstanceAdminResetsAnotherUsersKeys() {
        String path = "/api/v1/principals/" + approver.id() + "/webauthn/credentials";
        TestApi.User peer = api.newUser(ws, Role.OWNER);
        TestApi.Response notAdmin = api.send("DELETE", path, peer.token(), null);
        assertThat(notAdmin.status()).as(notAdmin.body()).isEqualTo(403);
        assertThat(notAdmin.detail()).contains("only an instance admin");
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'webauthn.reset_refused' "
                + "AND principal_id = ?").params(AuditLog.INSTANCE, peer.id()).query(Long.class).single()).isEqualTo(1);
        assertThat(keys(approver)).hasSize(1);
        WebAuthnCeremony open = keyChallengeFor(approver, "register", null);

        TestApi.Response reset = fixtures.fleet().admin("DELETE", path);
        assertThat(reset.status()).as(reset.body()).isEqualTo(204);
        assertThat(keys(approver)).isEmpty();
        assertThat(fixtures.fleet().admin("DELETE", "/api/v1/principals/" + UUID.randomUUID()
                + "/webauthn/credentials").status()).isEqualTo(404);
        assertThat(jdbc.sql("SELECT data->>'removed' FROM events WHERE workspace_id = ? AND type = 'webauthn.reset' "
                + "AND data->>'principalId' = ?").params(AuditLog.INSTANCE, approver.id().toString())
                .query(String.class).single()).isEqualTo("1");
        assertThat(jdbc.sql("SELECT used_at FROM webauthn_ceremonies WHERE id = ?").param(open.id())
                .query(java.sql.Timestamp.class).single()).as("open ceremonies are spent").isNotNull();
    }

    @Test
    void expiredCeremoniesAreSweptButAVotesProofStays() {
        ApprovalView approval = fixtures.pending(ws);
        WebAuthnCeremony voted = challenge(approval.id());
        assertThat(answer(approver, approval.id(), voted.id(), assertion(voted)).status()).isEqualTo(200);
        WebAuthnCeremony unanswered = keyChallengeFor(approver, "register", null);

        clock.advance(StepUps.LIFETIME.plus(CeremonySweeper.KEEP_EXPIRED).plusMinutes(1));
        WebAuthnCeremony fresh = keyChallengeFor(approver, "register", null);
        CeremonySweeper sweeper = new CeremonySweeper(store, tx, clock);
        sweeper.sweep(); // the scheduled sweep may be running too: the rows tell
        List<UUID> left = jdbc.sql("SELECT id FROM webauthn_ceremonies WHERE principal_id = ?").param(approver.id())
                .query(UUID.class).list();
        assertThat(left).containsExactlyInAnyOrder(voted.id(), fresh.id()).doesNotContain(unanswered.id());
        assertThat(sweeper.sweep()).isZero();
    }
}
