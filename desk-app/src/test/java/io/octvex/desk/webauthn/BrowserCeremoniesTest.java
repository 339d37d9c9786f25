package io.octvex.desk.webauthn;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Route;
import com.sun.net.httpserver.HttpServer;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real ceremonies: Debian's Chromium (Playwright) with CDP virtual authenticators opens the Desk's loopback
 * page; the Java side verifies with webauthn4j. The ceremony blocks, so it runs on another thread while this
 * one drives the browser (Playwright objects belong to one thread).
 */
class BrowserCeremoniesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T08:00:00Z"), ZoneOffset.UTC);

    private static Playwright playwright;
    private static Browser chromium;

    @TempDir
    Path home;
    private final BlockingQueue<URI> opened = new LinkedBlockingQueue<>();
    private final ExecutorService ceremonies = Executors.newSingleThreadExecutor();
    private BrowserContext context;
    private Page page;
    private CDPSession cdp;

    @BeforeAll
    static void launch(@TempDir Path scratch) {
        Map<String, String> env = Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1", "TMPDIR", scratch.toString(),
                "XDG_CONFIG_HOME", scratch.toString(), "XDG_CACHE_HOME", scratch.toString());
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(env));
        chromium = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Path.of("/usr/bin/chromium"))
                .setHeadless(true)
                .setChromiumSandbox(false)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--no-first-run", "--disable-sync")));
    }

    @AfterAll
    static void quit() {
        if (playwright != null) {
            playwright.close();
        }
    }

    @BeforeEach
    void openTab() {
        context = chromium.newContext();
        page = context.newPage();
        cdp = context.newCDPSession(page);
        cdp.send("WebAuthn.enable", json(Map.of("enableUI", false)));
    }

    @AfterEach
    void closeTab() {
        ceremonies.shutdownNow();
        context.close();
    }

    @Test
    void registrationAndUnlockGiveTheSamePrfSecretAndAnotherAuthenticatorADifferentOne() throws Exception {
        String first = addAuthenticator(true, true);
        Path file = home.resolve("webauthn.json");
        BrowserCeremonies desk = desk(file);

        CeremonyResult registered = inBrowser(() -> desk.register(TIMEOUT));
        assertThat(page.locator("#status"))
                .hasText("Done: the Desk verified your authenticator. You can close this tab.");
        CeremonyResult unlocked = inBrowser(() -> desk.authenticate(TIMEOUT));

        assertThat(registered.prfSecret()).get().satisfies(secret -> assertThat(secret).hasSize(32));
        assertThat(unlocked.credentialId()).isEqualTo(registered.credentialId());
        assertThat(unlocked.prfSecret().orElseThrow()).isEqualTo(registered.prfSecret().orElseThrow());
        assertThat(desk.registered()).isTrue();
        // the file is the owner's only and holds no secret
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String stored = Files.readString(file);
        byte[] secret = registered.prfSecret().orElseThrow();
        assertThat(stored).doesNotContain(Base64.getEncoder().withoutPadding().encodeToString(secret))
                .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
        assertThat(registered.toString()).doesNotContain(Base64.getEncoder().encodeToString(secret));

        cdp.send("WebAuthn.removeVirtualAuthenticator", json(Map.of("authenticatorId", first)));
        addAuthenticator(true, true);
        CeremonyResult other = inBrowser(() -> desk(home.resolve("other.json")).register(TIMEOUT));
        assertThat(other.credentialId()).isNotEqualTo(registered.credentialId());
        assertThat(other.prfSecret().orElseThrow()).hasSize(32).isNotEqualTo(secret);
    }

    @Test
    void anAuthenticatorThatEvaluatesPrfOnlyOnGetStillGivesTheSecretAtRegistration() throws Exception {
        addAuthenticator(true, true);
        BrowserCeremonies desk = desk(home.resolve("webauthn.json"));
        List<String> answers = new CopyOnWriteArrayList<>();
        page.onRequest(request -> {
            if (request.url().endsWith("/finish")) {
                answers.add(request.postData());
            }
        });
        // Chromium's virtual authenticator evaluates PRF at create(); many real ones only say it is enabled.
        // Asking create() for no evaluation makes Chromium answer like them.
        tamperPage(html -> html.replace("extensions: { prf: { eval: { first: bytes(options.prfSalt) } } }\n      }});",
                "extensions: { prf: {} }\n      }});"));
        CeremonyResult registered = inBrowser(() -> desk.register(TIMEOUT));
        page.unrouteAll();
        CeremonyResult unlocked = inBrowser(() -> desk.authenticate(TIMEOUT));

        assertThat(answers.getFirst()).contains("\"registration\"").contains("\"assertion\"");
        assertThat(registered.prfSecret().orElseThrow()).hasSize(32);
        assertThat(unlocked.prfSecret().orElseThrow()).isEqualTo(registered.prfSecret().orElseThrow());
    }

    @Test
    void anAuthenticatorWithoutPrfIsVerifiedButGivesNoSecret() throws Exception {
        addAuthenticator(false, true);
        BrowserCeremonies desk = desk(home.resolve("webauthn.json"));

        assertThat(inBrowser(() -> desk.register(TIMEOUT)).prfSecret()).isEmpty();
        CeremonyResult unlocked = inBrowser(() -> desk.authenticate(TIMEOUT));
        assertThat(unlocked.prfSecret()).isEmpty();
        assertThat(unlocked.credentialId()).isNotBlank();
    }

    @Test
    void aUserWhoIsNotVerifiedIsRefusedByTheBrowserAndByTheDesk() throws Exception {
        String verifying = addAuthenticator(true, true);
        BrowserCeremonies desk = desk(home.resolve("webauthn.json"));
        inBrowser(() -> desk.register(TIMEOUT));
        cdp.send("WebAuthn.setUserVerified", json(Map.of("authenticatorId", verifying, "isUserVerified", false)));

        // the page asks for user verification, so the browser itself says no
        assertThatThrownBy(() -> inBrowser(() -> desk.authenticate(TIMEOUT)))
                .isInstanceOf(CeremonyException.class)
                .hasMessageStartingWith("The browser did not complete the ceremony (NotAllowedError");

        // the same credential on an authenticator that cannot verify users, behind a page that no longer asks
        // for it: the assertion comes without the UV flag and webauthn4j refuses it
        JsonObject credential = cdp.send("WebAuthn.getCredentials", json(Map.of("authenticatorId", verifying)))
                .getAsJsonArray("credentials").get(0).getAsJsonObject();
        cdp.send("WebAuthn.removeVirtualAuthenticator", json(Map.of("authenticatorId", verifying)));
        JsonObject copy = json(Map.of("authenticatorId", addAuthenticator(false, false, false)));
        copy.add("credential", credential);
        cdp.send("WebAuthn.addCredential", copy);
        tamperPage(html -> html.replace("\"userVerification\":\"required\"", "\"userVerification\":\"discouraged\""));
        assertThatThrownBy(() -> inBrowser(() -> desk.authenticate(TIMEOUT)))
                .isInstanceOf(CeremonyException.class)
                .hasMessage("The authenticator did not verify you (fingerprint, face or PIN); refused.");
        assertThat(page.locator("#status")).hasText(
                "The authenticator did not verify you (fingerprint, face or PIN); refused. You can close this tab.");
    }

    @Test
    void aCredentialThisDeskDidNotRegisterIsRefused() throws Exception {
        addAuthenticator(true, true);
        BrowserCeremonies desk = desk(home.resolve("webauthn.json"));
        BrowserCeremonies elsewhere = desk(home.resolve("elsewhere.json"));
        String ours = inBrowser(() -> desk.register(TIMEOUT)).credentialId();
        String theirs = inBrowser(() -> elsewhere.register(TIMEOUT)).credentialId();

        tamperPage(html -> html.replace(ours, theirs));
        assertThatThrownBy(() -> inBrowser(() -> desk.authenticate(TIMEOUT)))
                .isInstanceOf(CeremonyException.class)
                .hasMessage("The browser answered with a credential this Desk did not register; refused.");
    }

    @Test
    void anAnswerMadeOnAnotherLocalhostPageIsRefused() throws Exception {
        addAuthenticator(true, true);
        BrowserCeremonies desk = desk(home.resolve("webauthn.json"));
        inBrowser(() -> desk.register(TIMEOUT));
        Future<CeremonyResult> unlock = ceremonies.submit(() -> desk.authenticate(TIMEOUT));
        URI deskPage = opened.poll(10, TimeUnit.SECONDS);

        // a look-alike page with the Desk's live challenge on another localhost port (the same RP ID) gets the
        // gesture, and its operator forwards the answer to the Desk with a forged Origin header
        try (HttpClient http = HttpClient.newHttpClient()) {
            byte[] lookAlike = http.send(HttpRequest.newBuilder(deskPage).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body();
            HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            other.createContext("/", exchange -> {
                exchange.sendResponseHeaders(200, lookAlike.length);
                exchange.getResponseBody().write(lookAlike);
                exchange.close();
            });
            other.start();
            AtomicReference<String> answer = new AtomicReference<>();
            try {
                page.route("**/finish", route -> {
                    answer.set(route.request().postData());
                    route.fulfill(new Route.FulfillOptions().setBody("thanks"));
                });
                page.navigate("http://localhost:" + other.getAddress().getPort() + deskPage.getPath());
                page.waitForCondition(() -> answer.get() != null);
            } finally {
                other.stop(0);
            }
            assertThat(answer.get()).contains("\"assertion\"");
            HttpResponse<String> forwarded = http.send(post(deskPage, "http://localhost:" + deskPage.getPort(),
                    answer.get()), HttpResponse.BodyHandlers.ofString());
            assertThat(forwarded.statusCode()).isEqualTo(400);
        }
        assertThatThrownBy(() -> unwrap(unlock))
                .isInstanceOf(CeremonyException.class)
                .hasMessage("The answer comes from another web origin than the Desk's page; refused.");
    }

    @Test
    void aReplayedAssertionIsRefused() throws Exception {
        addAuthenticator(true, true);
        BrowserCeremonies desk = desk(home.resolve("webauthn.json"));
        inBrowser(() -> desk.register(TIMEOUT));
        AtomicReference<String> posted = new AtomicReference<>();
        page.onRequest(request -> {
            if (request.url().endsWith("/finish")) {
                posted.set(request.postData());
            }
        });
        inBrowser(() -> desk.authenticate(TIMEOUT));
        assertThat(posted.get()).contains("\"assertion\"");

        // another local process replays the old answer to a new ceremony (it even learned the path token)
        Future<CeremonyResult> unlock = ceremonies.submit(() -> desk.authenticate(TIMEOUT));
        URI page = opened.poll(10, TimeUnit.SECONDS);
        String origin = "http://localhost:" + page.getPort();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> byAddress = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + page.getPort() + page.getPath())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(byAddress.statusCode()).isEqualTo(421);
            assertThat(http.send(HttpRequest.newBuilder(page.resolve("/guessed-token/")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
            HttpResponse<String> wrongOrigin = http.send(post(page, "http://localhost:1", posted.get()),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(wrongOrigin.statusCode()).isEqualTo(403);
            HttpResponse<String> replayed = http.send(post(page, origin, posted.get()),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(replayed.statusCode()).isEqualTo(400);
            assertThat(replayed.body()).endsWith("; refused.");
        }
        assertThatThrownBy(() -> unwrap(unlock))
                .isInstanceOf(CeremonyException.class)
                .hasMessage("The answer was made for another challenge than this ceremony's (a replayed answer?); refused.");
    }

    @Test
    void nobodyCompletingThePageEndsInAClearMessageWithinTheTimeout() throws Exception {
        BrowserCeremonies desk = new BrowserCeremonies(home.resolve("webauthn.json"), opened::add, CLOCK);
        long start = System.nanoTime();

        assertThatThrownBy(() -> desk.register(Duration.ofSeconds(2)))
                .isInstanceOf(CeremonyException.class)
                .hasMessage("Nobody completed the WebAuthn registration in the browser within 2 s; the Desk stopped waiting.");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        URI abandoned = opened.poll();
        try (HttpClient http = HttpClient.newHttpClient()) {
            assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(abandoned).build(),
                    HttpResponse.BodyHandlers.ofString()))
                    .as("the page's server is gone with its ceremony")
                    .isInstanceOf(ConnectException.class);
        }
        assertThatThrownBy(() -> desk.authenticate(TIMEOUT))
                .isInstanceOf(CeremonyException.class)
                .hasMessage("No authenticator is registered with this Desk yet; register one first.");
    }

    private BrowserCeremonies desk(Path file) {
        return new BrowserCeremonies(file, opened::add, CLOCK);
    }

    /** Runs a ceremony on another thread, opens its page in the tab and pumps Playwright until it ends. */
    private CeremonyResult inBrowser(Callable<CeremonyResult> ceremony) throws Exception {
        Future<CeremonyResult> result = ceremonies.submit(ceremony);
        URI uri = opened.poll(10, TimeUnit.SECONDS);
        if (uri != null) {
            page.navigate(uri.toString());
            while (!result.isDone()) {
                page.waitForTimeout(50);
            }
        }
        return unwrap(result);
    }

    private static CeremonyResult unwrap(Future<CeremonyResult> result) throws Exception {
        try {
            return result.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    /** Rewrites the Desk's page on its way to the browser, as a hostile browser extension could. */
    private void tamperPage(UnaryOperator<String> edit) {
        page.route(Pattern.compile("^http://localhost:\\d+/[^/]+/$"), route -> {
            APIResponse original = route.fetch();
            route.fulfill(new Route.FulfillOptions().setResponse(original).setBody(edit.apply(original.text())));
        });
    }

    private String addAuthenticator(boolean prf, boolean userVerification) {
        return addAuthenticator(prf, userVerification, userVerification);
    }

    private String addAuthenticator(boolean prf, boolean canVerifyUsers, boolean userVerified) {
        JsonObject options = json(Map.of("protocol", "ctap2", "transport", "internal", "hasResidentKey", true,
                "hasUserVerification", canVerifyUsers, "isUserVerified", userVerified, "hasPrf", prf,
                "automaticPresenceSimulation", true));
        JsonObject params = new JsonObject();
        params.add("options", options);
        return cdp.send("WebAuthn.addVirtualAuthenticator", params).get("authenticatorId").getAsString();
    }

    private static HttpRequest post(URI page, String origin, String body) {
        return HttpRequest.newBuilder(page.resolve("finish"))
                .header("Origin", origin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static JsonObject json(Map<String, Object> values) {
        JsonObject object = new JsonObject();
        values.forEach((key, value) -> {
            switch (value) {
                case Boolean b -> object.addProperty(key, b);
                case Number n -> object.addProperty(key, n);
                default -> object.addProperty(key, value.toString());
            }
        });
        return object;
    }
}
