package io.octvex.protocol;

import java.util.Arrays;
import java.util.Locale;

/** Lower-case wire names for enums, with an error that lists the values that are accepted. */
final class Wire {
    private Wire() {}

    static <E extends Enum<E>> E parse(Class<E> type, String value) {
        if (value != null) {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(value)) {
                    return constant;
                }
            }
        }
        throw new IllegalArgumentException("unknown " + type.getSimpleName().replaceAll("(?<=.)([A-Z])", " $1")
                .toLowerCase(Locale.ROOT) + " '" + value + "'; expected one of "
                + Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList());
    }
}
