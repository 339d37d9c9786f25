package io.octvex.server;

import java.time.Clock;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** Puts the {@link TestClock} in place of the system clock for every {@link ServerTest}. */
@TestConfiguration(proxyBeanMethods = false)
class TestClockConfiguration {
    @Bean
    @Primary
    TestClock testClock() {
        return new TestClock();
    }
}
