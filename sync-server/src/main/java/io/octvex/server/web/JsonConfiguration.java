package io.octvex.server.web;

import io.octvex.protocol.Json;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The server reads and writes JSON exactly as the protocol's own codec does. */
@Configuration(proxyBeanMethods = false)
class JsonConfiguration {
    @Bean
    JsonMapperBuilderCustomizer protocolJson() {
        return Json::configure;
    }
}
