package io.octvex.protocol;

/** The wire protocol's version. Clients send it in {@link #HEADER}; the server refuses other majors. */
public final class ProtocolVersion {
    public static final String HEADER = "Octvex-Protocol";
    public static final int CURRENT = 1;

    private ProtocolVersion() {}
}
