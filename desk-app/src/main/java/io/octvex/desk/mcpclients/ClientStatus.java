package io.octvex.desk.mcpclients;

/** What the page shows for one client. {@code detail} is a sentence (the parse error when unreadable). */
record ClientStatus(ClientDescriptor client, State state, String detail) {
    enum State {
        NOT_FOUND("Not found on this machine"),
        NOT_CONFIGURED("Not configured"),
        CONFIGURED("Configured"),
        DIFFERENT("Configured differently"),
        UNREADABLE("Cannot read its file");

        final String label;

        State(String label) {
            this.label = label;
        }
    }
}
