package io.octvex.desk.webauthn;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * WebAuthn for the Desk: registers one credential and verifies assertions by it, each ceremony in the system
 * browser against a relying party the Desk serves on {@code http://localhost:<port>} for that ceremony only
 * (JavaFX's WebView has no WebAuthn). With the PRF extension the authenticator also yields a 32-byte secret for
 * this Desk's salt, the same at every ceremony, which exists only while the user performs the gesture; an
 * authenticator without PRF gives {@link Optional#empty()} and the caller falls back.
 *
 * <p>The credential file holds public data only (credential id, COSE public key, sign counter, PRF salt, user
 * handle). One ceremony at a time.
 */
public final class BrowserCeremonies {
    private static final int CHALLENGE_BYTES = 32;
    private static final int PRF_BYTES = 32;
    private static final int SALT_BYTES = 32;
    private static final int USER_HANDLE_BYTES = 16;

    private final CredentialFile file;
    private final Consumer<URI> browser;
    private final Clock clock;
    private final Verifier verifier = new Verifier();

    /** Ceremonies in the user's default browser. */
    public BrowserCeremonies(Path credentialFile) {
        this(credentialFile, SystemBrowser::open, Clock.systemUTC());
    }

    public BrowserCeremonies(Path credentialFile, Consumer<URI> browser, Clock clock) {
        this.file = new CredentialFile(credentialFile);
        this.browser = browser;
        this.clock = clock;
    }

    /** Whether a credential is registered (a cheap file check; nothing is verified). */
    public synchronized boolean registered() throws CeremonyException {
        return file.read().isPresent();
    }

    /**
     * Registers a new credential for this Desk, replacing the old one once the new one is verified. When the
     * authenticator supports PRF but does not evaluate it at creation, the same page asks for one assertion
     * right after, so that the secret is returned here as well.
     */
    public synchronized CeremonyResult register(Duration timeout) throws CeremonyException {
        byte[] challenge = LoopbackPage.randomBytes(CHALLENGE_BYTES);
        byte[] followUpChallenge = LoopbackPage.randomBytes(CHALLENGE_BYTES);
        byte[] prfSalt = LoopbackPage.randomBytes(SALT_BYTES);
        byte[] userHandle = LoopbackPage.randomBytes(USER_HANDLE_BYTES);
        try (LoopbackPage page = new LoopbackPage()) {
            Map<String, Object> options = options(page, "register", challenge, prfSalt, timeout);
            options.put("followUpChallenge", base64(followUpChallenge));
            options.put("userHandle", base64(userHandle));
            options.put("userName", "Octvex Desk");
            options.put("algorithms", Verifier.ALGORITHMS);
            return page.run("Register an authenticator with the Octvex Desk",
                    "The Desk asks your authenticator for a new credential that will unlock it. Confirm with your "
                            + "fingerprint, face, PIN or security key when the browser asks.",
                    options, answer -> {
                        Verifier.Registered registered = verifier.registration(
                                required(answer, "registration"), page.origin(), challenge);
                        var now = clock.instant();
                        StoredCredential stored = new StoredCredential(registered.credentialId(),
                                registered.cosePublicKey(), registered.signCount(), registered.backupEligible(),
                                registered.backedUp(), prfSalt, userHandle, now, now);
                        if (answer.hasNonNull("assertion")) {
                            Verifier.Asserted asserted = verifier.assertion(answer.get("assertion"), page.origin(),
                                    followUpChallenge, stored);
                            stored = stored.used(asserted.signCount(), asserted.backedUp(), now);
                        }
                        file.write(stored);
                        return new CeremonyResult(base64(stored.credentialId()), prf(answer));
                    }, browser, timeout, "registration");
        }
    }

    /** A verified assertion by the registered credential, with its PRF secret when the authenticator has PRF. */
    public synchronized CeremonyResult authenticate(Duration timeout) throws CeremonyException {
        StoredCredential stored = file.read().orElseThrow(() -> new CeremonyException(
                "No authenticator is registered with this Desk yet; register one first."));
        byte[] challenge = LoopbackPage.randomBytes(CHALLENGE_BYTES);
        try (LoopbackPage page = new LoopbackPage()) {
            Map<String, Object> options = options(page, "authenticate", challenge, stored.prfSalt(), timeout);
            options.put("credentialId", base64(stored.credentialId()));
            return page.run("Unlock the Octvex Desk",
                    "The Desk asks your registered authenticator to confirm it is you. Confirm with your fingerprint, "
                            + "face, PIN or security key when the browser asks.",
                    options, answer -> {
                        Verifier.Asserted asserted = verifier.assertion(required(answer, "assertion"), page.origin(),
                                challenge, stored);
                        file.write(stored.used(asserted.signCount(), asserted.backedUp(), clock.instant()));
                        return new CeremonyResult(base64(stored.credentialId()), prf(answer));
                    }, browser, timeout, "unlock");
        }
    }

    private static Map<String, Object> options(LoopbackPage page, String mode, byte[] challenge, byte[] prfSalt,
                                               Duration timeout) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("mode", mode);
        options.put("rpId", LoopbackPage.RP_ID);
        options.put("challenge", base64(challenge));
        options.put("prfSalt", base64(prfSalt));
        options.put("userVerification", "required");
        options.put("timeoutMillis", timeout.toMillis());
        options.put("finishPath", page.finishPath());
        return options;
    }

    private static JsonNode required(JsonNode answer, String field) throws CeremonyException {
        if (!answer.hasNonNull(field) || !answer.get(field).isObject()) {
            throw new CeremonyException("The browser's answer has no " + field + "; refused.");
        }
        return answer.get(field);
    }

    private static Optional<byte[]> prf(JsonNode answer) throws CeremonyException {
        if (!answer.hasNonNull("prf")) {
            return Optional.empty();
        }
        byte[] secret;
        try {
            secret = Base64.getUrlDecoder().decode(answer.get("prf").asString());
        } catch (IllegalArgumentException e) {
            throw new CeremonyException("The browser's PRF output is not base64url; refused.");
        }
        if (secret.length != PRF_BYTES) {
            throw new CeremonyException("The browser's PRF output has " + secret.length + " bytes instead of 32; refused.");
        }
        return Optional.of(secret);
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
