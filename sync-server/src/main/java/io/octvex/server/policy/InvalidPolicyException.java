package io.octvex.server.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A policy that does not compile, with every problem found. */
class InvalidPolicyException extends RuntimeException {
    private final List<PolicyError> errors;

    InvalidPolicyException(List<PolicyError> errors) {
        super(errors.stream().map(PolicyError::toString).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    List<PolicyError> errors() {
        return errors;
    }
}
