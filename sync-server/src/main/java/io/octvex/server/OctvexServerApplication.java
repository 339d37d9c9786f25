package io.octvex.server;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/** The Octvex sync server: core decides, edges execute. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class OctvexServerApplication {

    public static void main(String[] args) {
        try {
            SpringApplication.run(OctvexServerApplication.class, args);
        } catch (RuntimeException failedToStart) {
            // Spring Boot has already explained why; a library thread left running (the MCP SDK's session
            // sweeper is not a daemon) must not keep a server that did not start alive
            System.exit(1);
        }
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
