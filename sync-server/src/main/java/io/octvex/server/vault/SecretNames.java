package io.octvex.server.vault;

import io.octvex.server.web.ApiException;
import java.util.regex.Pattern;

/**
 * Secret names: what actions reference credentials by, so they are plain, lower case and safe in a URL path,
 * a log line or a file name. Checked before any database work; refusals never echo the name.
 */
final class SecretNames {
    static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,63}$");

    private SecretNames() {}

    static String check(String name) {
        if (name == null || name.isEmpty()) {
            throw ApiException.badRequest("'name' is required, e.g. billing-api");
        }
        if (!NAME.matcher(name).matches() || name.contains("..")) {
            boolean upper = name.chars().anyMatch(Character::isUpperCase) && NAME.matcher(name.toLowerCase(java.util.Locale.ROOT)).matches();
            throw ApiException.badRequest("'name' must be 1 to 64 characters of a-z, 0-9, '.', '_' and '-', starting "
                    + "with a letter or digit, without '..' (e.g. billing-api)" + (upper ? "; names are lower case" : ""));
        }
        return name;
    }
}
