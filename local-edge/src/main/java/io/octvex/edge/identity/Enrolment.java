package io.octvex.edge.identity;

import io.octvex.edge.client.EdgeClient;
import io.octvex.protocol.EdgeEnrolled;
import io.octvex.protocol.EnrollEdge;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.XECPublicKey;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Enrols an edge: makes its X25519 sealing key pair, introduces it to the server with an enrolment token and
 * returns the identity to store. The private key never leaves the edge.
 */
public final class Enrolment {
    private Enrolment() {}

    /** What the edge tells the server about itself besides the enrolment token. */
    public record Request(String name, Map<String, String> labels, List<String> capabilities, int capacity,
                          String version) {
        public Request {
            labels = Map.copyOf(labels);
            capabilities = List.copyOf(capabilities);
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be at least 1");
            }
        }
    }

    /**
     * Calls {@code POST /api/v1/edge/enroll}.
     *
     * @throws io.octvex.protocol.OctvexApiException when the server refuses (bad, used or expired token)
     * @throws io.octvex.protocol.OctvexConnectionException when it cannot be reached
     */
    public static EdgeIdentity enrol(URI server, String enrolmentToken, Request request, Clock clock) {
        KeyPair keys = newSealingKeyPair();
        String publicKey = Base64.getEncoder().encodeToString(rawPublicKey((XECPublicKey) keys.getPublic()));
        String privateKey = Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded());
        EdgeEnrolled enrolled = EdgeClient.anonymous(server).enroll(new EnrollEdge(enrolmentToken, request.name(),
                request.labels(), request.capabilities(), request.capacity(), publicKey, request.version()));
        return new EdgeIdentity(enrolled.edgeId(), enrolled.edgeToken(), server, enrolled.workspaceIds(),
                request.name(), request.capacity(), publicKey, privateKey, clock.instant());
    }

    static KeyPair newSealingKeyPair() {
        try {
            return KeyPairGenerator.getInstance("X25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no X25519 key pair generator", e);
        }
    }

    /** RFC 7748 encoding: the u-coordinate as 32 little-endian bytes. */
    static byte[] rawPublicKey(XECPublicKey key) {
        BigInteger u = key.getU();
        byte[] bigEndian = u.toByteArray();
        byte[] raw = new byte[32];
        for (int i = 0; i < raw.length && i < bigEndian.length; i++) {
            raw[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return raw;
    }

    /** {@code os}, {@code arch} and {@code host} of this machine. */
    public static Map<String, String> defaultLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("os", osLabel(System.getProperty("os.name", "unknown")));
        labels.put("arch", System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT));
        labels.put("host", hostname());
        return labels;
    }

    static String osLabel(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            return "windows";
        } else if (os.startsWith("mac") || os.startsWith("darwin")) {
            return "macos";
        } else if (os.startsWith("linux")) {
            return "linux";
        }
        return os.replace(' ', '-');
    }

    /** This machine's host name (short form as the OS reports it), or {@code localhost} when unknown. */
    public static String hostname() {
        for (String variable : List.of("HOSTNAME", "COMPUTERNAME")) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                return value.strip().toLowerCase(Locale.ROOT);
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
