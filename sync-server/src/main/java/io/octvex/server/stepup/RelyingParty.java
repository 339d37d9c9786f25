package io.octvex.server.stepup;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.exception.DataConversionException;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.VerificationException;
import io.octvex.protocol.Json;
import io.octvex.server.web.ApiException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * webauthn4j behind the few calls the server needs: the options a browser is given, and the verification of
 * what it answers (origin, rpId, challenge, user presence and verification, signature, signature counter).
 * Attestation is not asked for ({@code none}): a key is trusted because its owner, signed in, registered it.
 */
@Component
class RelyingParty {
    static final long TIMEOUT_MILLIS = 300_000;
    private static final List<PublicKeyCredentialParameters> ALGORITHMS = List.of(
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.EdDSA),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.RS256));

    private final RelyingPartySettings settings;
    private final ObjectConverter converter = new ObjectConverter();
    private final WebAuthnManager manager = WebAuthnManager.createNonStrictWebAuthnManager(converter);

    RelyingParty(RelyingPartySettings settings) {
        this.settings = settings;
    }

    /** A newly registered key, as it is kept. */
    record Registered(String credentialId, UUID aaguid, byte[] coseKey, long signCount, boolean uv, boolean be,
                      boolean bs) {}

    /** A verified assertion: what the vote keeps, and the key's new counter. */
    record Asserted(String credentialId, byte[] authenticatorData, byte[] clientDataJson, byte[] signature,
                    long signCount) {}

    JsonNode creationOptions(byte[] challenge, UUID principalId, String name, List<String> exclude) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.putObject("rp").put("id", settings.rpId()).put("name", settings.rpName());
        o.putObject("user").put("id", b64(uuidBytes(principalId))).put("name", name).put("displayName", name);
        o.put("challenge", b64(challenge));
        ArrayNode params = o.putArray("pubKeyCredParams");
        ALGORITHMS.forEach(a -> params.addObject().put("type", "public-key").put("alg", a.getAlg().getValue()));
        o.put("timeout", TIMEOUT_MILLIS);
        o.put("attestation", "none");
        o.putObject("authenticatorSelection").put("userVerification", "required").put("residentKey", "discouraged");
        ArrayNode excluded = o.putArray("excludeCredentials");
        exclude.forEach(id -> excluded.addObject().put("type", "public-key").put("id", id));
        return o;
    }

    JsonNode requestOptions(byte[] challenge, List<String> allow) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("challenge", b64(challenge));
        o.put("rpId", settings.rpId());
        o.put("timeout", TIMEOUT_MILLIS);
        o.put("userVerification", "required");
        ArrayNode allowed = o.putArray("allowCredentials");
        allow.forEach(id -> allowed.addObject().put("type", "public-key").put("id", id));
        return o;
    }

    Registered verifyRegistration(JsonNode credential, byte[] challenge) {
        RegistrationData data;
        try {
            data = manager.verifyRegistrationResponseJSON(text(credential),
                    new RegistrationParameters(server(challenge), ALGORITHMS, true, true));
        } catch (DataConversionException | IllegalArgumentException e) {
            throw ApiException.badRequest("the attestation cannot be read: send what PublicKeyCredential.toJSON() gives");
        } catch (VerificationException e) {
            throw refusal("the registration does not verify", e);
        }
        AuthenticatorData<?> auth = data.getAttestationObject().getAuthenticatorData();
        AttestedCredentialData attested = auth.getAttestedCredentialData();
        byte[] key = converter.getCborConverter().writeValueAsBytes(attested.getCOSEKey());
        return new Registered(b64(attested.getCredentialId()), attested.getAaguid().getValue(), key,
                auth.getSignCount(), auth.isFlagUV(), auth.isFlagBE(), auth.isFlagBS());
    }

    /** The credential id an assertion names (base64url), before it is verified; 400 when it cannot be read. */
    AuthenticationData parseAssertion(JsonNode credential) {
        try {
            return manager.parseAuthenticationResponseJSON(text(credential));
        } catch (DataConversionException | IllegalArgumentException e) {
            throw ApiException.badRequest("the assertion cannot be read: send what PublicKeyCredential.toJSON() gives");
        }
    }

    Asserted verifyAssertion(AuthenticationData data, byte[] challenge, CeremonyStore.Credential stored) {
        byte[] id = Base64.getUrlDecoder().decode(stored.credentialId());
        // the stored parts, laid out as the authenticator wrote them: aaguid ‖ id length ‖ id ‖ COSE key
        byte[] layout = ByteBuffer.allocate(16 + 2 + id.length + stored.coseKey().length)
                .put(uuidBytes(stored.aaguid())).putShort((short) id.length).put(id).put(stored.coseKey()).array();
        AttestedCredentialData attested = new AttestedCredentialDataConverter(converter).convert(layout);
        CredentialRecordImpl record = new CredentialRecordImpl(new NoneAttestationStatement(), stored.uvInitialized(),
                stored.backupEligible(), stored.backupState(), stored.signCount(), attested, null, null, null, null);
        try {
            manager.verify(data, new AuthenticationParameters(server(challenge), record, null, true, true));
        } catch (VerificationException e) {
            throw refusal("the assertion does not verify", e);
        }
        long count = data.getAuthenticatorData().getSignCount();
        if ((count != 0 || stored.signCount() != 0) && count <= stored.signCount()) {
            throw ApiException.forbidden("the security key's signature counter did not go up (" + count + " after "
                    + stored.signCount() + "): a replayed assertion or a cloned key");
        }
        return new Asserted(b64(data.getCredentialId()), data.getAuthenticatorDataBytes(),
                data.getCollectedClientDataBytes(), data.getSignature(), count);
    }

    private ServerProperty server(byte[] challenge) {
        return ServerProperty.builder().origin(new Origin(settings.origin())).rpId(settings.rpId())
                .challenge(new DefaultChallenge(challenge)).build();
    }

    /** Which check failed, in words, without echoing what the client sent. */
    private static ApiException refusal(String what, VerificationException e) {
        String check = e.getClass().getSimpleName().replace("Exception", "")
                .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
        return ApiException.forbidden(what + " (" + check + ")");
    }

    private static String text(JsonNode credential) {
        if (credential == null || !credential.isObject()) {
            throw ApiException.badRequest("'credential' is required: the object PublicKeyCredential.toJSON() gives");
        }
        return Json.write(credential);
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] uuidBytes(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits())
                .array();
    }
}
