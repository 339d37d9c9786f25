package io.octvex.desk.screen;

/** A line for a screen's status bar; {@code problem} when it reports a refusal or a failure. */
public record Notice(String text, boolean problem) {
    public static final Notice NONE = new Notice("", false);

    public static Notice info(String text) {
        return new Notice(text, false);
    }

    public static Notice problem(String text) {
        return new Notice(text, true);
    }
}
