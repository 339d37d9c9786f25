package io.octvex.server.stepup;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes WebAuthn ceremonies (and so their tickets) an hour after they expired: until then a late answer is
 * told "expired" rather than "not found". A ceremony a step-up vote keeps as its proof stays. Batches are
 * bounded and each is its own transaction; replicas sweeping at once skip each other's rows.
 */
@Component
class CeremonySweeper {
    static final Duration KEEP_EXPIRED = Duration.ofHours(1);
    static final int BATCH = 500;
    private static final Logger log = LoggerFactory.getLogger(CeremonySweeper.class);

    private final CeremonyStore store;
    private final TransactionTemplate tx;
    private final Clock clock;

    CeremonySweeper(CeremonyStore store, TransactionTemplate tx, Clock clock) {
        this.store = store;
        this.tx = tx;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${octvex.webauthn.sweep-interval:PT5M}", initialDelayString = "PT1M")
    void scheduled() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.warn("WebAuthn ceremony sweep failed; the next one retries", e);
        }
    }

    /** Answers how many ceremonies it deleted. */
    int sweep() {
        var cutoff = clock.instant().truncatedTo(ChronoUnit.MICROS).minus(KEEP_EXPIRED);
        int deleted = 0;
        while (true) {
            Integer n = tx.execute(s -> store.sweep(cutoff, BATCH));
            deleted += n;
            if (n < BATCH) {
                return deleted;
            }
        }
    }
}
