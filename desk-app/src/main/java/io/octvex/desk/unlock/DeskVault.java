package io.octvex.desk.unlock;

import io.octvex.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The Desk's local secrets (its session tokens, the bundled edge's identity, later a local root key) in one
 * owner-only file, sealed with AES-256-GCM under a random Desk key (the entry's name is the associated data).
 * The Desk key is on disk only wrapped, once per enrolled {@link Method}: switching method re-wraps the same key
 * and leaves the entries as they are. Every call blocks (file, keychain, Argon2id, a browser ceremony): call it
 * off the FX thread. Failures a person can act on are {@link Refused} with a sentence; no message ever carries a
 * secret. ADR 0024 has the format and the reasons.
 */
public final class DeskVault {
    static final String FILE_NAME = "secrets.json";
    static final int MIN_PASSPHRASE = 12;
    private static final int MEMORY_KIB = 19456;
    private static final int ITERATIONS = 2;
    private static final int PARALLELISM = 1;
    private static final String HKDF_INFO = "octvex desk key";
    private static final Duration CEREMONY = Duration.ofMinutes(2);

    /** Why the store would not do what was asked, in a sentence fit for the user. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    /**
     * {@code webAuthnWithoutPrf}: the WebAuthn method's authenticator has no PRF, so its key is in the keychain
     * and an assertion guards it (the UI says so). {@code problem}: why the file cannot be used (then nothing is
     * written to it), else null.
     */
    public record Status(boolean exists, boolean unlocked, List<Method> methods, boolean webAuthnWithoutPrf,
                         String problem) {}

    /** Whether the OS keychain answered the last probe, and if not, why (a sentence). */
    public record KeychainCheck(boolean available, String note) {}

    /** A signed-in session kept between starts: who, on which server, in which workspace, with which token. */
    public record SavedSession(String server, String user, UUID workspaceId, String token) {
        @Override
        public String toString() { // never the token
            return "SavedSession[" + server + ", " + user + ", " + workspaceId + "]";
        }
    }

    private final Path file;
    private final BoundedKeychain keychain;
    private final WebAuthnCeremonies webauthn;
    private byte[] deskKey;
    private UUID unlockedStore;

    DeskVault(Path file, Keychain keychain, Duration keychainTimeout, WebAuthnCeremonies webauthn) {
        this.file = file;
        this.keychain = new BoundedKeychain(keychain, keychainTimeout);
        this.webauthn = webauthn;
    }

    /**
     * The Desk's store in its data directory, with the OS keychain (every call bounded to 10 s).
     *
     * @param webauthn the browser ceremony, or null where this build has none (the method is then unavailable)
     */
    public static DeskVault forDesk(Path dataDir, WebAuthnCeremonies webauthn) {
        return new DeskVault(dataDir.resolve(FILE_NAME), new OsKeychain(), Duration.ofSeconds(10), webauthn);
    }

    public Path file() {
        return file;
    }

    public boolean webAuthnAvailable() {
        return webauthn != null;
    }

    public synchronized Status status() {
        try {
            Optional<StoreFile> stored = StoreFile.read(file);
            return new Status(stored.isPresent(), stored.isPresent() && unlocked(stored.get()),
                    stored.map(DeskVault::methods).orElse(List.of()), stored.stream().flatMap(s -> s.wraps().stream())
                    .anyMatch(w -> Boolean.FALSE.equals(w.prf())), null);
        } catch (StoreFile.Damaged e) {
            return new Status(true, false, List.of(), false, e.getMessage());
        }
    }

    /** Tries the keychain with a throw-away entry: bounded in time, never throws. */
    public KeychainCheck checkKeychain() {
        try {
            keychain.probe("desk-key");
            return new KeychainCheck(true, "The OS keychain answered.");
        } catch (BoundedKeychain.Unavailable e) {
            return new KeychainCheck(false, "The OS keychain cannot be used: " + e.getMessage() + ".");
        }
    }

    /** Creates the store with a new Desk key released by {@code method}; it is then unlocked. */
    public synchronized void setUp(Method method, char[] passphrase) throws Refused {
        if (read().isPresent()) {
            throw new Refused("The Desk's secret store already exists; unlock it instead.");
        }
        UUID id = UUID.randomUUID();
        byte[] key = Crypto.random(Crypto.KEY_BYTES);
        StoreFile.Wrap wrap = wrap(method, id, key, passphrase);
        write(new StoreFile(StoreFile.VERSION, id, List.of(wrap), new TreeMap<>()));
        remember(id, key);
    }

    /** Releases the Desk key with {@code method} ({@code passphrase} only for {@link Method#PASSPHRASE}). */
    public synchronized void unlock(Method method, char[] passphrase) throws Refused {
        StoreFile stored = existing();
        StoreFile.Wrap wrap = stored.wraps().stream().filter(w -> w.method().equals(method.wire())).findFirst()
                .orElseThrow(() -> new Refused("The Desk's secrets are not set up for " + method.words()
                        + "; they open with " + words(methods(stored)) + "."));
        byte[] kek = kek(method, stored.storeId(), wrap, passphrase);
        try {
            remember(stored.storeId(), Crypto.open(kek, wrap.key().sealed(), wrapAad(stored.storeId(), method)));
        } catch (Crypto.BadTag e) {
            throw new Refused(method == Method.PASSPHRASE
                    ? "Wrong passphrase: the Desk's secrets stay locked."
                    : "The key from " + method.words() + " does not open " + file + " (a different key, or the "
                    + "file was changed): the Desk's secrets stay locked.");
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
    }

    /** Adds {@code method} (the store must be unlocked); the entries are not touched. */
    public synchronized void enroll(Method method, char[] passphrase) throws Refused {
        StoreFile stored = unlockedFile();
        List<StoreFile.Wrap> wraps = new ArrayList<>(stored.wraps().stream()
                .filter(w -> !w.method().equals(method.wire())).toList());
        wraps.add(wrap(method, stored.storeId(), deskKey, passphrase));
        write(new StoreFile(StoreFile.VERSION, stored.storeId(), wraps, stored.entries()));
    }

    /** Releases the Desk key with {@code method} only from now on: enrolls it, then drops every other method. */
    public synchronized void switchTo(Method method, char[] passphrase) throws Refused {
        enroll(method, passphrase);
        for (Method other : methods(existing())) {
            if (other != method) {
                remove(other);
            }
        }
    }

    /** Drops a method; refused for the last one (the key would be lost, and every entry with it). */
    public synchronized void remove(Method method) throws Refused {
        StoreFile stored = existing();
        List<StoreFile.Wrap> rest = stored.wraps().stream().filter(w -> !w.method().equals(method.wire())).toList();
        if (rest.size() == stored.wraps().size()) {
            return;
        }
        if (rest.isEmpty()) {
            throw new Refused("Cannot remove " + method.words() + ": it is the only way to open the Desk's secrets. "
                    + "Add another method first.");
        }
        write(new StoreFile(StoreFile.VERSION, stored.storeId(), rest, stored.entries()));
        if (method == Method.KEYCHAIN || method == Method.WEBAUTHN) {
            try {
                keychain.delete(account(stored.storeId(), method));
            } catch (BoundedKeychain.Unavailable e) {
                // the key in the keychain now opens nothing: the wrap that used it is gone from the file
            }
        }
    }

    /** Forgets the Desk key (the file stays): the next use needs an unlock. */
    public synchronized void lock() {
        if (deskKey != null) {
            Arrays.fill(deskKey, (byte) 0);
        }
        deskKey = null;
        unlockedStore = null;
    }

    public synchronized Optional<String> get(String name) throws Refused {
        StoreFile stored = unlockedFile();
        StoreFile.Box box = stored.entries().get(name);
        if (box == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new String(Crypto.open(deskKey, box.sealed(), entryAad(stored.storeId(), name)),
                    StandardCharsets.UTF_8));
        } catch (Crypto.BadTag e) {
            throw new Refused("The entry '" + name + "' in " + file + " does not open: the file was changed outside "
                    + "the Desk. It was left as it is.");
        }
    }

    public synchronized void put(String name, String value) throws Refused {
        StoreFile stored = unlockedFile();
        Map<String, StoreFile.Box> entries = new TreeMap<>(stored.entries());
        entries.put(name, StoreFile.Box.of(Crypto.seal(deskKey, value.getBytes(StandardCharsets.UTF_8),
                entryAad(stored.storeId(), name))));
        write(new StoreFile(StoreFile.VERSION, stored.storeId(), stored.wraps(), entries));
    }

    public synchronized void delete(String name) throws Refused {
        StoreFile stored = existing();
        if (stored.entries().containsKey(name)) {
            Map<String, StoreFile.Box> entries = new TreeMap<>(stored.entries());
            entries.remove(name);
            write(new StoreFile(StoreFile.VERSION, stored.storeId(), stored.wraps(), entries));
        }
    }

    /** The entries' names (not secret: they are the associated data, in the clear). */
    public synchronized List<String> names() throws Refused {
        return List.copyOf(existing().entries().keySet());
    }

    /** Keeps the session for {@code server} and {@code user}, replacing the one kept before. */
    public void rememberSession(SavedSession session) throws Refused {
        put(sessionName(session.server(), session.user()), Json.write(session));
    }

    /** The last session kept for {@code server}, if any (the store must be unlocked). */
    public synchronized Optional<SavedSession> recallSession(String server) throws Refused {
        String prefix = sessionName(server, "");
        for (String name : names()) {
            if (name.startsWith(prefix)) {
                return get(name).map(json -> Json.read(json, SavedSession.class));
            }
        }
        return Optional.empty();
    }

    public void forgetSession(String server, String user) throws Refused {
        delete(sessionName(server, user));
    }

    private static String sessionName(String server, String user) {
        return "session " + server.replaceAll("/+$", "") + " " + user;
    }

    private StoreFile.Wrap wrap(Method method, UUID id, byte[] key, char[] passphrase) throws Refused {
        byte[] aad = wrapAad(id, method);
        return switch (method) {
            case PASSPHRASE -> {
                checkPassphrase(passphrase);
                var kdf = new StoreFile.Kdf("argon2id", MEMORY_KIB, ITERATIONS, PARALLELISM, Crypto.random(16));
                byte[] kek = Crypto.argon2id(passphrase, kdf.salt(), kdf.memoryKib(), kdf.iterations(), kdf.parallelism());
                try {
                    yield new StoreFile.Wrap(method.wire(), kdf, null, null, StoreFile.Box.of(Crypto.seal(kek, key, aad)));
                } finally {
                    Arrays.fill(kek, (byte) 0);
                }
            }
            case KEYCHAIN -> new StoreFile.Wrap(method.wire(), null, null, null, sealWithKeychainKey(id, method, key, aad));
            case WEBAUTHN -> {
                WebAuthnCeremonies.Outcome outcome = ceremony(true);
                if (outcome.prfSecret().isPresent()) {
                    byte[] kek = Crypto.hkdfSha256(outcome.prfSecret().get(), HKDF_INFO);
                    try {
                        yield new StoreFile.Wrap(method.wire(), null, outcome.credentialId(), true,
                                StoreFile.Box.of(Crypto.seal(kek, key, aad)));
                    } finally {
                        Arrays.fill(kek, (byte) 0);
                        Arrays.fill(outcome.prfSecret().get(), (byte) 0);
                    }
                }
                // no PRF: a key in the keychain wraps the Desk key, and unlocking also needs an assertion
                yield new StoreFile.Wrap(method.wire(), null, outcome.credentialId(), false,
                        sealWithKeychainKey(id, method, key, aad));
            }
        };
    }

    private StoreFile.Box sealWithKeychainKey(UUID id, Method method, byte[] key, byte[] aad) throws Refused {
        byte[] kek = Crypto.random(Crypto.KEY_BYTES);
        try {
            keychain.write(account(id, method), Base64.getEncoder().encodeToString(kek));
            return StoreFile.Box.of(Crypto.seal(kek, key, aad));
        } catch (BoundedKeychain.Unavailable e) {
            throw new Refused("The OS keychain cannot be used: " + e.getMessage() + ". Choose a passphrase instead.");
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
    }

    private byte[] kek(Method method, UUID id, StoreFile.Wrap wrap, char[] passphrase) throws Refused {
        return switch (method) {
            case PASSPHRASE -> {
                if (passphrase == null || passphrase.length == 0) {
                    throw new Refused("Enter the passphrase that protects the Desk's secrets.");
                }
                StoreFile.Kdf kdf = wrap.kdf();
                yield Crypto.argon2id(passphrase, kdf.salt(), kdf.memoryKib(), kdf.iterations(), kdf.parallelism());
            }
            case KEYCHAIN -> keychainKey(id, method);
            case WEBAUTHN -> {
                WebAuthnCeremonies.Outcome outcome = ceremony(false);
                if (!wrap.credentialId().equals(outcome.credentialId())) {
                    throw new Refused("That passkey is not the one registered for this Desk: the Desk's secrets "
                            + "stay locked.");
                }
                if (!wrap.prf()) {
                    yield keychainKey(id, method); // both: the assertion above and the keychain's key
                }
                byte[] prf = outcome.prfSecret().orElseThrow(() -> new Refused("The authenticator gave no PRF "
                        + "output, which this Desk's key is derived from: use the authenticator you set it up with."));
                try {
                    yield Crypto.hkdfSha256(prf, HKDF_INFO);
                } finally {
                    Arrays.fill(prf, (byte) 0);
                }
            }
        };
    }

    private byte[] keychainKey(UUID id, Method method) throws Refused {
        String text;
        try {
            text = keychain.read(account(id, method));
        } catch (BoundedKeychain.Unavailable e) {
            throw new Refused("The OS keychain cannot be used: " + e.getMessage() + ".");
        }
        if (text == null) {
            throw new Refused("The OS keychain has no key for this Desk (service 'octvex', account '"
                    + account(id, method) + "'): the Desk's secrets stay locked.");
        }
        try {
            byte[] kek = Base64.getDecoder().decode(text.strip());
            if (kek.length != Crypto.KEY_BYTES) {
                throw new IllegalArgumentException();
            }
            return kek;
        } catch (IllegalArgumentException e) {
            throw new Refused("The OS keychain's entry '" + account(id, method) + "' is not a key this Desk wrote.");
        }
    }

    private WebAuthnCeremonies.Outcome ceremony(boolean register) throws Refused {
        if (webauthn == null) {
            throw new Refused("WebAuthn is not available in this build of the Desk; use the OS keychain or a passphrase.");
        }
        WebAuthnCeremonies.Outcome outcome;
        try {
            outcome = register ? webauthn.register(CEREMONY) : webauthn.authenticate(CEREMONY);
        } catch (Exception e) {
            throw new Refused("The WebAuthn " + (register ? "registration" : "sign-in") + " did not complete ("
                    + e.getClass().getSimpleName() + ").");
        }
        if (outcome == null || outcome.credentialId() == null || outcome.prfSecret() == null) {
            throw new Refused("The WebAuthn ceremony returned no credential.");
        }
        return outcome;
    }

    private static void checkPassphrase(char[] passphrase) throws Refused {
        if (passphrase == null || Character.codePointCount(passphrase, 0, passphrase.length) < MIN_PASSPHRASE) {
            throw new Refused("Choose a passphrase of at least " + MIN_PASSPHRASE
                    + " characters; several unrelated words are best.");
        }
    }

    static String account(UUID id, Method method) {
        return "desk-key " + id + (method == Method.WEBAUTHN ? " webauthn" : "");
    }

    private static byte[] wrapAad(UUID id, Method method) {
        return ("octvex desk key\0" + id + "\0" + method.wire()).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] entryAad(UUID id, String name) {
        return ("octvex desk entry\0" + id + "\0" + name).getBytes(StandardCharsets.UTF_8);
    }

    private void remember(UUID id, byte[] key) {
        lock();
        deskKey = key;
        unlockedStore = id;
    }

    private boolean unlocked(StoreFile stored) {
        return deskKey != null && stored.storeId().equals(unlockedStore);
    }

    private StoreFile unlockedFile() throws Refused {
        StoreFile stored = existing();
        if (!unlocked(stored)) {
            throw new Refused("The Desk's secrets are locked: unlock them first.");
        }
        return stored;
    }

    private StoreFile existing() throws Refused {
        return read().orElseThrow(() -> new Refused("The Desk's secret store is not set up yet."));
    }

    private Optional<StoreFile> read() throws Refused {
        try {
            return StoreFile.read(file);
        } catch (StoreFile.Damaged e) {
            throw new Refused(e.getMessage());
        }
    }

    private void write(StoreFile stored) throws Refused {
        try {
            stored.write(file);
        } catch (IOException e) {
            throw new Refused("Could not write the Desk's secret store " + file + " (" + e.getClass().getSimpleName()
                    + ").");
        }
    }

    private static List<Method> methods(StoreFile stored) {
        return stored.wraps().stream().map(w -> Method.fromWire(w.method())).toList();
    }

    private static String words(List<Method> methods) {
        return String.join(" or ", methods.stream().map(Method::words).toList());
    }
}
