package io.octvex.desk.webauthn;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.exception.DataConversionException;
import com.webauthn4j.converter.util.CborConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.BadChallengeException;
import com.webauthn4j.verifier.exception.BadOriginException;
import com.webauthn4j.verifier.exception.BadRpIdException;
import com.webauthn4j.verifier.exception.BadSignatureException;
import com.webauthn4j.verifier.exception.MaliciousCounterValueException;
import com.webauthn4j.verifier.exception.NotAllowedCredentialIdException;
import com.webauthn4j.verifier.exception.UserNotPresentException;
import com.webauthn4j.verifier.exception.UserNotVerifiedException;
import com.webauthn4j.verifier.exception.VerificationException;
import java.util.Arrays;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * webauthn4j's checks for the Desk's two ceremonies: origin, RP ID, the one challenge, user presence and
 * verification, the signature against the stored key, a sign counter that does not go back. Attestation is
 * not checked ({@code none}): the Desk trusts whichever authenticator its user registers.
 */
final class Verifier {
    /** ES256, EdDSA, RS256: what platform authenticators and security keys sign with. */
    static final List<Long> ALGORITHMS = List.of(-7L, -8L, -257L);

    record Registered(byte[] credentialId, byte[] cosePublicKey, long signCount, boolean backupEligible,
                      boolean backedUp) {}

    record Asserted(long signCount, boolean backedUp) {}

    private final WebAuthnManager manager = WebAuthnManager.createNonStrictWebAuthnManager();
    private final CborConverter cbor = new ObjectConverter().getCborConverter();

    Registered registration(JsonNode response, String origin, byte[] challenge) throws CeremonyException {
        List<PublicKeyCredentialParameters> algorithms = ALGORITHMS.stream()
                .map(alg -> new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY,
                        COSEAlgorithmIdentifier.create(alg)))
                .toList();
        RegistrationData data;
        try {
            data = manager.verifyRegistrationResponseJSON(response.toString(),
                    new RegistrationParameters(server(origin, challenge), algorithms, true, true));
        } catch (VerificationException | DataConversionException e) {
            throw refusal(e);
        }
        AuthenticatorData<?> authenticator = data.getAttestationObject().getAuthenticatorData();
        AttestedCredentialData credential = authenticator.getAttestedCredentialData();
        return new Registered(credential.getCredentialId(), cbor.writeValueAsBytes(credential.getCOSEKey()),
                authenticator.getSignCount(), authenticator.isFlagBE(), authenticator.isFlagBS());
    }

    Asserted assertion(JsonNode response, String origin, byte[] challenge, StoredCredential stored)
            throws CeremonyException {
        AuthenticationData data;
        try {
            data = manager.parseAuthenticationResponseJSON(response.toString());
        } catch (DataConversionException e) {
            throw refusal(e);
        }
        if (!Arrays.equals(data.getCredentialId(), stored.credentialId())) {
            throw new CeremonyException("The browser answered with a credential this Desk did not register; refused.");
        }
        if (data.getUserHandle() != null && !Arrays.equals(data.getUserHandle(), stored.userHandle())) {
            throw new CeremonyException("The credential belongs to another user than this Desk's; refused.");
        }
        var record = new CredentialRecordImpl(new NoneAttestationStatement(), true, stored.backupEligible(),
                stored.backedUp(), stored.signCount(),
                new AttestedCredentialData(AAGUID.ZERO, stored.credentialId(),
                        cbor.readValue(stored.cosePublicKey(), COSEKey.class)),
                null, null, null, null);
        try {
            manager.verify(data, new AuthenticationParameters(server(origin, challenge), record,
                    List.of(stored.credentialId()), true, true));
        } catch (VerificationException e) {
            throw refusal(e);
        }
        AuthenticatorData<?> authenticator = data.getAuthenticatorData();
        return new Asserted(authenticator.getSignCount(), authenticator.isFlagBS());
    }

    private static ServerProperty server(String origin, byte[] challenge) {
        return new ServerProperty(new Origin(origin), LoopbackPage.RP_ID, new DefaultChallenge(challenge));
    }

    private static CeremonyException refusal(RuntimeException e) {
        String why = switch (e) {
            case BadChallengeException ignored ->
                    "The answer was made for another challenge than this ceremony's (a replayed answer?)";
            case BadOriginException ignored -> "The answer comes from another web origin than the Desk's page";
            case BadRpIdException ignored -> "The credential is for another site than localhost";
            case UserNotVerifiedException ignored ->
                    "The authenticator did not verify you (fingerprint, face or PIN)";
            case UserNotPresentException ignored -> "The authenticator did not confirm your presence";
            case NotAllowedCredentialIdException ignored -> "The browser used a credential this Desk did not register";
            case BadSignatureException ignored -> "The signature does not match the registered credential's key";
            case MaliciousCounterValueException ignored ->
                    "The authenticator's signature counter went backwards (a cloned authenticator?)";
            case DataConversionException ignored -> "The browser's answer is not a well-formed WebAuthn credential";
            default -> "The answer failed WebAuthn verification (" + e.getClass().getSimpleName() + ")";
        };
        return new CeremonyException(why + "; refused.", e);
    }
}
