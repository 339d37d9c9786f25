package io.octvex.server.policy;

/** One problem in a policy document, placed where its author can find it. */
record PolicyError(int line, int column, String message) {
    @Override
    public String toString() {
        return (line > 0 ? "line " + line + ", column " + column + ": " : "") + message;
    }
}
