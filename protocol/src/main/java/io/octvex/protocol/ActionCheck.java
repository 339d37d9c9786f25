package io.octvex.protocol;

import java.util.List;

/**
 * An edge asks the gate before an action its step's input did not name (a redirect, a navigation):
 * {@code epoch} is its lease's; header names only, never values.
 */
public record ActionCheck(long epoch, String action, String resource, String method, List<String> headerNames) {}
