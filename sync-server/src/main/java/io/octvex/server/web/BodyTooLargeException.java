package io.octvex.server.web;

import java.io.IOException;

/** A streamed body went past the size limit. */
class BodyTooLargeException extends IOException {
    BodyTooLargeException(long max) {
        super("the request body exceeds the limit of " + max + " bytes");
    }
}
