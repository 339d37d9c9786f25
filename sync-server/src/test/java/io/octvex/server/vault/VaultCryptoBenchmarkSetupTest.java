package io.octvex.server.vault;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

/** Keeps the benchmark honest: its set-up checks that what it measures opens to what it sealed. */
class VaultCryptoBenchmarkSetupTest {
    @Test
    void theMeasuredOperationsRoundTrip() {
        assertThatCode(() -> new VaultCryptoBenchmark().setUp()).doesNotThrowAnyException();
    }
}
