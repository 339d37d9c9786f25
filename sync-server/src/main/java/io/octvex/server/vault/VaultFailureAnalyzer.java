package io.octvex.server.vault;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Shows a refused vault as Spring Boot's "APPLICATION FAILED TO START" box: what is wrong, what to do. */
class VaultFailureAnalyzer extends AbstractFailureAnalyzer<VaultLockedException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, VaultLockedException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
