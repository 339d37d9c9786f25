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
        SpringApplication.run(OctvexServerApplication.class, args);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
