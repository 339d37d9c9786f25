package io.octvex.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.CreatePairingCode;
import io.octvex.protocol.CreatePrincipal;
import io.octvex.protocol.Json;
import io.octvex.protocol.MemberView;
import io.octvex.protocol.PairRequest;
import io.octvex.protocol.PairingCode;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.Role;
import io.octvex.protocol.Session;
import io.octvex.server.ServerTest;
import io.octvex.server.TestClock;
import io.octvex.server.audit.AuditLog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Pairing a Desk with a one-time code, over real HTTP: the code buys one ordinary session, expires, works
 * once, is burned by five wrong tries, a client address that keeps guessing waits, and neither the code nor
 * the session it bought appears in the events, the table or the server's output.
 */
@ServerTest
@ExtendWith(OutputCaptureExtension.class)
class PairingTest {
    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TestClock clock;
    @Autowired
    PairingThrottle throttle;

    TestApi api;
    UUID workspace;
    TestApi.User user;

    @BeforeEach
    void setUp() {
        api = TestApi.on(port);
        workspace = api.newWorkspace("pairing").id();
        user = api.newUser(workspace, Role.OPERATOR);
    }

    @AfterEach
    void forgetWrongTries() {
        // the throttle is per address and every test calls from loopback: let its window pass, then put time back
        clock.advance(PairingThrottle.WINDOW.plusMinutes(1));
        throttle.blockedUntil("127.0.0.1");
        throttle.blockedUntil("0:0:0:0:0:0:0:1");
        clock.reset();
    }

    private PairingCode codeFor(TestApi.User who) {
        TestApi.Response r = api.send("POST", "/api/v1/pairing-codes", who.token(), new CreatePairingCode(null));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return Json.read(r.body(), PairingCode.class);
    }

    private TestApi.Response pair(String code) {
        return api.send("POST", "/api/v1/auth/pair", null, new PairRequest(code));
    }

    @Test
    void aCodeBuysOneOrdinarySessionOfItsUserAndNeverShowsUp(CapturedOutput output) {
        PairingCode code = codeFor(user);
        assertThat(code.code()).matches("[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}");
        assertThat(code.username()).isEqualTo(user.name());
        assertThat(code.expiresAt()).isBetween(Instant.now().plus(Duration.ofMinutes(4)), Instant.now().plus(Duration.ofMinutes(6)));

        // typed loosely: lower case, a space instead of the dash
        TestApi.Response paired = pair(code.code().toLowerCase().replace('-', ' '));
        assertThat(paired.status()).as(paired.body()).isEqualTo(200);
        Session session = Json.read(paired.body(), Session.class);
        assertThat(session.principal().id()).isEqualTo(user.id());
        assertThat(api.anonymous().withToken(session.token()).members(workspace))
                .extracting(m -> m.principal().id()).contains(user.id());
        assertThat(jdbc.sql("SELECT name FROM tokens WHERE token_hash = ?").param(TokenSecrets.hash(session.token()))
                .query(String.class).single()).isEqualTo("pairing");

        TestApi.Response again = pair(code.code());
        assertThat(again.status()).isEqualTo(410);
        assertThat(again.detail()).contains("already used");

        assertThat(instanceEvents("pairing.code_created", user.id())).hasSize(1);
        assertThat(instanceEvents("pairing.code_used", user.id())).hasSize(1)
                .allSatisfy(data -> assertThat(data).contains(user.name()));
        String bare = code.code().replace("-", "");
        for (String canary : List.of(code.code(), bare, session.token())) {
            assertThat(jdbc.sql("SELECT count(*) FROM events WHERE data::text ILIKE ?").param("%" + canary + "%")
                    .query(Long.class).single()).as("in the events: a secret").isZero();
            assertThat(output.getAll()).as("in the server's output: a secret").doesNotContainIgnoringCase(canary);
        }
        assertThat(jdbc.sql("SELECT count(*) FROM pairing_codes p WHERE row_to_json(p)::text ILIKE ?")
                .param("%" + bare + "%").query(Long.class).single()).as("stored in the clear").isZero();
    }

    @Test
    void anExpiredCodeIsRefusedWithASentence() {
        PairingCode code = codeFor(user);
        clock.advance(Pairings.LIFETIME.plusSeconds(1));
        try {
            TestApi.Response late = pair(code.code());
            assertThat(late.status()).isEqualTo(410);
            assertThat(late.detail()).contains("expired").contains("./octvex pair");
        } finally {
            clock.reset();
        }
        assertThat(pair(code.code()).status()).as("still valid in real time").isEqualTo(200);
    }

    @Test
    void fiveWrongTriesBurnTheCode() {
        PairingCode code = codeFor(user);
        String bare = code.code().replace("-", "");
        for (int i = 1; i < Pairings.MAX_FAILURES; i++) {
            TestApi.Response wrong = pair(bare.substring(0, 4) + other(bare.substring(4), i));
            assertThat(wrong.status()).as("try %d", i).isEqualTo(401);
            assertThat(wrong.detail()).isEqualTo(Pairings.NOT_VALID);
        }
        TestApi.Response fifth = pair(bare.substring(0, 4) + other(bare.substring(4), 5));
        assertThat(fifth.status()).isEqualTo(410);
        assertThat(fifth.detail()).contains("too many wrong tries");

        TestApi.Response right = pair(code.code());
        assertThat(right.status()).as("the right code after the burn").isEqualTo(410);
        assertThat(right.detail()).contains("blocked");
        assertThat(instanceEvents("pairing.code_burned", user.id())).hasSize(1);
        assertThat(jdbc.sql("SELECT count(*) FROM tokens WHERE principal_id = ? AND name = 'pairing'")
                .param(user.id()).query(Long.class).single()).isZero();
    }

    @Test
    void anAddressThatKeepsGuessingWaits() {
        PairingCode code = codeFor(user);
        for (int i = 0; i < PairingThrottle.MAX_FAILURES; i++) {
            assertThat(pair(unknownCode(code.code(), i)).status()).isEqualTo(401);
        }
        TestApi.Response throttled = pair(code.code());
        assertThat(throttled.status()).as("even the right code waits").isEqualTo(429);
        assertThat(throttled.detail()).contains("try again in");
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void malformedCodesAre400sThatSayWhatACodeLooksLike() {
        for (String typed : List.of("ABCD", "ABCD-EFG0", "ABCD-EFGHJ", "\u00c4BCD-EFGH")) {
            TestApi.Response r = pair(typed);
            assertThat(r.status()).as(typed).isEqualTo(400);
            assertThat(r.detail()).contains("8 letters and digits");
        }
        assertThat(api.send("POST", "/api/v1/auth/pair", null, "{}").status()).isEqualTo(400);
    }

    @Test
    void onlyAnInstanceAdminMakesACodeForSomeoneElseAndNeverWithAnApiToken() {
        TestApi.User other = api.newUser(workspace, Role.VIEWER);
        TestApi.Response forOther = api.send("POST", "/api/v1/pairing-codes", user.token(),
                new CreatePairingCode(other.name()));
        assertThat(forOther.status()).isEqualTo(403);
        assertThat(forOther.detail()).contains("instance admin");

        PairingCode byAdmin = api.admin().createPairingCode(other.name());
        assertThat(byAdmin.username()).isEqualTo(other.name());
        assertThat(Json.read(pair(byAdmin.code()).body(), Session.class).principal().id()).isEqualTo(other.id());

        TestApi.Response unknown = api.send("POST", "/api/v1/pairing-codes", adminSession(),
                new CreatePairingCode("nobody-" + UUID.randomUUID()));
        assertThat(unknown.status()).isEqualTo(404);
    }

    @Test
    void anApiTokenCannotMakeACode() {
        String token = api.adminToken(workspace, io.octvex.protocol.Scope.MEMBERS_MANAGE).secret();
        TestApi.Response r = api.send("POST", "/api/v1/pairing-codes", token, new CreatePairingCode(null));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.detail()).contains("login session");
    }

    @Test
    void anInvitationIsForAMemberWhoNeverSignedInAndBelongsHereAlone() {
        MemberView invitee = api.admin().createPrincipal(workspace, new CreatePrincipal(PrincipalKind.USER,
                TestApi.unique("invitee"), null, "an initial password", List.of(Role.VIEWER)));
        TestApi.User manager = api.newUser(workspace, Role.ADMIN);
        String path = "/api/v1/workspaces/" + workspace + "/members/" + invitee.principal().id() + "/pairing-code";

        TestApi.Response invited = api.send("POST", path, manager.token(), null);
        assertThat(invited.status()).as(invited.body()).isEqualTo(201);
        Session session = Json.read(pair(Json.read(invited.body(), PairingCode.class).code()).body(), Session.class);
        assertThat(session.principal().id()).isEqualTo(invitee.principal().id());

        TestApi.Response second = api.send("POST", path, manager.token(), null);
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.detail()).contains("signed in before");

        // a user with access elsewhere is not the manager's to pair
        String elsewhere = "/api/v1/workspaces/" + workspace + "/members/" + user.id() + "/pairing-code";
        api.admin().putMembership(api.newWorkspace("elsewhere").id(), user.id(), List.of(Role.VIEWER));
        assertThat(api.send("POST", elsewhere, manager.token(), null).status()).isEqualTo(409);

        // another workspace's member: not found; a viewer: forbidden
        UUID otherWorkspace = api.newWorkspace("other").id();
        assertThat(api.send("POST", "/api/v1/workspaces/" + otherWorkspace + "/members/" + invitee.principal().id()
                + "/pairing-code", adminSession(), null).status()).isEqualTo(404);
        TestApi.User viewer = api.newUser(workspace, Role.VIEWER);
        assertThat(api.send("POST", path, viewer.token(), null).status()).isEqualTo(403);

        // an owner is invited by an owner only
        MemberView owner = api.admin().createPrincipal(workspace, new CreatePrincipal(PrincipalKind.USER,
                TestApi.unique("co-owner"), null, "an initial password", List.of(Role.OWNER)));
        TestApi.Response byAdmin = api.send("POST", "/api/v1/workspaces/" + workspace + "/members/"
                + owner.principal().id() + "/pairing-code", manager.token(), null);
        assertThat(byAdmin.status()).isEqualTo(403);
        assertThat(byAdmin.detail()).contains("only an owner");
    }

    private String adminSession() {
        return api.anonymous().login("admin", ServerTest.ADMIN_PASSWORD).token();
    }

    /** A second half that differs from {@code half}, different for each {@code n}. */
    private static String other(String half, int n) {
        String alphabet = PairingCodes.ALPHABET;
        char first = alphabet.charAt((alphabet.indexOf(half.charAt(0)) + n) % alphabet.length());
        return first + half.substring(1);
    }

    /** A code whose first half no live code has (differs from {@code code}'s handle). */
    private static String unknownCode(String code, int n) {
        String handle = other(code.substring(0, 4), n + 1);
        return handle + "-" + code.substring(5);
    }

    private List<String> instanceEvents(String type, UUID principalId) {
        return jdbc.sql("""
                SELECT data::text FROM events WHERE workspace_id = ? AND type = ?
                AND (principal_id = ? OR data->>'principalId' = ?) ORDER BY seq""")
                .params(AuditLog.INSTANCE, type, principalId, principalId.toString()).query(String.class).list();
    }
}
