package io.octvex.server.identity;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** Small conversions between JDBC and our types. */
final class Sql {
    private Sql() {}

    static OffsetDateTime at(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static <E> List<E> array(ResultSet rs, String column, Function<String, E> parse) throws SQLException {
        Array array = rs.getArray(column);
        return array == null ? List.of() : Arrays.stream((String[]) array.getArray()).map(parse).toList();
    }
}
