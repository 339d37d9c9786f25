package io.octvex.protocol;

/** A freshly issued token: the only time its secret is shown. */
public record IssuedToken(TokenView token, String secret) {
    @Override
    public String toString() {
        return "IssuedToken[token=" + token + ", secret=***]";
    }
}
