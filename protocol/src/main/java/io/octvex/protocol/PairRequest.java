package io.octvex.protocol;

/** Trades a one-time pairing code for a session, like a login. */
public record PairRequest(String code) {
    @Override
    public String toString() {
        return "PairRequest[code=***]";
    }
}
