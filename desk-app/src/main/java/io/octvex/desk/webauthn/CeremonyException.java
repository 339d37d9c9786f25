package io.octvex.desk.webauthn;

/** A ceremony that did not end in a verified credential; the message is a sentence for the user. */
public final class CeremonyException extends Exception {

    CeremonyException(String message) {
        super(message);
    }

    CeremonyException(String message, Throwable cause) {
        super(message, cause);
    }
}
