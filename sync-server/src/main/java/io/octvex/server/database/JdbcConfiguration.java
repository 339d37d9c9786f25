package io.octvex.server.database;

import java.sql.SQLException;
import java.util.List;
import org.postgresql.util.PGobject;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.data.convert.ReadingConverter;
import org.springframework.data.convert.WritingConverter;
import org.springframework.data.jdbc.repository.config.AbstractJdbcConfiguration;
import tools.jackson.databind.JsonNode;
import io.octvex.protocol.Json;

/** Spring Data JDBC mapping of PostgreSQL's jsonb to Jackson trees, both ways. */
@Configuration(proxyBeanMethods = false)
class JdbcConfiguration extends AbstractJdbcConfiguration {

    @Override
    protected List<?> userConverters() {
        return List.of(new JsonbToTree(), new TreeToJsonb());
    }

    @ReadingConverter
    static final class JsonbToTree implements Converter<PGobject, JsonNode> {
        @Override
        public JsonNode convert(PGobject source) {
            return source.getValue() == null ? null : Json.tree(source.getValue());
        }
    }

    @WritingConverter
    static final class TreeToJsonb implements Converter<JsonNode, PGobject> {
        @Override
        public PGobject convert(JsonNode source) {
            PGobject json = new PGobject();
            json.setType("jsonb");
            try {
                json.setValue(Json.write(source));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return json;
        }
    }
}
