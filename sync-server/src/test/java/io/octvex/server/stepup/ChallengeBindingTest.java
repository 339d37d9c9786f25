package io.octvex.server.stepup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.octvex.protocol.Json;
import io.octvex.server.approval.StepUpProof;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The challenge binds the evidence, the approval, the decision and a nonce; each one changes it. */
class ChallengeBindingTest {
    private static final String EVIDENCE = """
            {"action": "http.request", "method": "POST", "resource": "https://approve.example/pay",
             "rule": "sign-off", "stepUp": "webauthn", "run": {"id": "r", "title": "pay"}, "policyVersion": 2}""";
    private static final UUID APPROVAL = UUID.fromString("0e2b7a3c-3f0e-4a8e-9a61-0c7f8b5d1e42");
    private static final byte[] NONCE = new byte[32];

    @Test
    void theEvidenceHashIgnoresKeyOrderButNotValues() {
        String hash = StepUpProof.evidenceHash(Json.tree(EVIDENCE));
        String reordered = """
                {"policyVersion": 2, "run": {"title": "pay", "id": "r"}, "stepUp": "webauthn", "rule": "sign-off",
                 "resource": "https://approve.example/pay", "method": "POST", "action": "http.request"}""";
        assertThat(StepUpProof.evidenceHash(Json.tree(reordered))).isEqualTo(hash).hasSize(64);
        assertThat(StepUpProof.evidenceHash(Json.tree(EVIDENCE.replace("/pay", "/pay2")))).isNotEqualTo(hash);
        assertThat(StepUpProof.evidenceHash(Json.tree(EVIDENCE.replace("\"policyVersion\": 2", "\"policyVersion\": 3"))))
                .isNotEqualTo(hash);
    }

    @Test
    void everyBoundPartChangesTheChallenge() {
        String hash = StepUpProof.evidenceHash(Json.tree(EVIDENCE));
        byte[] base = ChallengeBinding.challenge(hash, APPROVAL, "approve", NONCE);
        assertThat(ChallengeBinding.challenge(hash, APPROVAL, "approve", NONCE.clone())).isEqualTo(base).hasSize(32);

        byte[] otherNonce = NONCE.clone();
        otherNonce[31] = 1;
        String otherHash = StepUpProof.evidenceHash(Json.tree(EVIDENCE.replace("POST", "DELETE")));
        List<byte[]> variants = List.of(
                ChallengeBinding.challenge(otherHash, APPROVAL, "approve", NONCE),
                ChallengeBinding.challenge(hash, UUID.randomUUID(), "approve", NONCE),
                ChallengeBinding.challenge(hash, APPROVAL, "deny", NONCE),
                ChallengeBinding.challenge(hash, APPROVAL, "approve", otherNonce));
        Set<String> distinct = new HashSet<>();
        distinct.add(Arrays.toString(base));
        variants.forEach(v -> distinct.add(Arrays.toString(v)));
        assertThat(distinct).hasSize(5);
    }

    @Test
    void aShortNonceOrHashIsRefused() {
        String hash = StepUpProof.evidenceHash(Json.tree(EVIDENCE));
        assertThatThrownBy(() -> ChallengeBinding.challenge(hash, APPROVAL, "approve", new byte[16]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChallengeBinding.challenge(hash.substring(2), APPROVAL, "approve", NONCE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theStepUpMarkerComesFromTheEvidence() {
        assertThat(StepUpProof.required(Json.tree(EVIDENCE))).isTrue();
        assertThat(StepUpProof.required(Json.tree("{\"action\": \"http.request\"}"))).isFalse();
    }

    @Test
    void aKeyManagementChallengeBindsThePrincipalThePurposeAndTheKey() {
        UUID principal = UUID.fromString("5a1d2b8e-0c44-4f1e-8d0e-2b9c7f3a6e11");
        UUID key = UUID.fromString("7c3e9f10-2a5b-4c6d-9e8f-1a2b3c4d5e6f");
        byte[] base = ChallengeBinding.keyManagement(principal, "remove", key, NONCE);
        assertThat(ChallengeBinding.keyManagement(principal, "remove", key, NONCE.clone())).isEqualTo(base).hasSize(32);
        byte[] otherNonce = NONCE.clone();
        otherNonce[0] = 1;
        List<byte[]> variants = List.of(
                ChallengeBinding.keyManagement(APPROVAL, "remove", key, NONCE),
                ChallengeBinding.keyManagement(principal, "register", key, NONCE),
                ChallengeBinding.keyManagement(principal, "remove", null, NONCE),
                ChallengeBinding.keyManagement(principal, "remove", key, otherNonce),
                // never an approval's challenge, even from the same ids and nonce
                ChallengeBinding.challenge(StepUpProof.evidenceHash(Json.tree(EVIDENCE)), key, "approve", NONCE));
        assertThat(variants).allSatisfy(v -> assertThat(v).isNotEqualTo(base));
    }
}
