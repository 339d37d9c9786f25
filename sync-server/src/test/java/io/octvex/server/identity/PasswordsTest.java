package io.octvex.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordsTest {
    private final Passwords passwords = new Passwords();

    @Test
    void hashIsArgon2idInPhcFormatAndVerifies() {
        String hash = passwords.hash("a long enough password".toCharArray());

        assertThat(hash).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(passwords.verify("a long enough password".toCharArray(), hash)).isTrue();
        assertThat(passwords.verify("a long enough passworD".toCharArray(), hash)).isFalse();
    }

    @Test
    void sameInputGetsADifferentSaltEachTime() {
        char[] password = "a long enough password".toCharArray();
        assertThat(passwords.hash(password)).isNotEqualTo(passwords.hash(password));
    }

    @Test
    void nonAsciiPasswordsRoundTrip() {
        String hash = passwords.hash("pässwörd-ünïcode-🔑".toCharArray());
        assertThat(passwords.verify("pässwörd-ünïcode-🔑".toCharArray(), hash)).isTrue();
        assertThat(passwords.verify("passwoerd-unicode-🔑".toCharArray(), hash)).isFalse();
    }

    @Test
    void malformedOrMissingStoredHashNeverMatches() {
        assertThat(passwords.verify("anything at all".toCharArray(), null)).isFalse();
        assertThat(passwords.verify("anything at all".toCharArray(), "plaintext")).isFalse();
        assertThat(passwords.verify("anything at all".toCharArray(), "$argon2i$v=19$m=19456,t=2,p=1$AAAA$BBBB")).isFalse();
    }

    @Test
    void verificationUsesTheParametersStoredInTheHash() {
        // were the stored parameters ignored (our defaults used instead), this would still verify
        String hash = passwords.hash("a long enough password".toCharArray())
                .replace("m=19456,t=2,p=1", "m=8192,t=1,p=1");
        assertThat(passwords.verify("a long enough password".toCharArray(), hash)).isFalse();
    }

    @Test
    void lengthRules() {
        assertThat(Passwords.problemWith("short".toCharArray())).contains("12 to 256");
        assertThat(Passwords.problemWith("exactly12chr".toCharArray())).isNull();
        assertThat(Passwords.problemWith(null)).contains("required");
    }

    @Test
    void tokenSecretsHaveThePrefixAndAreWellFormed() {
        String secret = TokenSecrets.generate();
        assertThat(secret).startsWith("ovx_").hasSize(TokenSecrets.LENGTH);
        assertThat(TokenSecrets.wellFormed(secret)).isTrue();
        assertThat(TokenSecrets.wellFormed(secret.substring(1))).isFalse();
        assertThat(TokenSecrets.wellFormed("ovx_" + "!".repeat(43))).isFalse();
        assertThat(TokenSecrets.hash(secret)).hasSize(32);
    }
}
