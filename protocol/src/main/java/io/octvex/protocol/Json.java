package io.octvex.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON codec of the protocol. Strict on input (unknown fields, trailing tokens and nulls for
 * primitives are errors) so that a typo in a request is refused instead of silently ignored.
 */
public final class Json {
    private static final JsonMapper MAPPER = configure(JsonMapper.builder()).build();

    private Json() {}

    /** Applies the protocol's settings to a builder, so that servers can build their mapper the same way. */
    public static JsonMapper.Builder configure(JsonMapper.Builder builder) {
        return builder
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .changeDefaultPropertyInclusion(incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL));
    }

    public static JsonMapper mapper() {
        return MAPPER;
    }

    public static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    public static <T> T read(String json, Class<T> type) {
        return MAPPER.readValue(json, type);
    }

    public static JsonNode tree(String json) {
        return MAPPER.readTree(json);
    }

    public static JsonNode toTree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /**
     * A canonical text for hashing: object keys sorted at every depth, no insignificant whitespace.
     * The same tree always gives the same text, whatever key order it was written or stored in. Written in
     * one walk of the tree (audit hashes every event with it, inside the commit).
     */
    public static String canonical(JsonNode node) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = MAPPER.createGenerator(out)) {
            writeCanonical(generator, node);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not canonicalisable JSON", e);
        }
        return out.toString();
    }

    private static void writeCanonical(JsonGenerator generator, JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>(node.propertyNames());
            Collections.sort(names);
            generator.writeStartObject();
            for (String name : names) {
                generator.writeName(name);
                writeCanonical(generator, node.get(name));
            }
            generator.writeEndObject();
        } else if (node.isArray()) {
            generator.writeStartArray();
            for (JsonNode item : node) {
                writeCanonical(generator, item);
            }
            generator.writeEndArray();
        } else {
            generator.writeTree(node);
        }
    }
}
