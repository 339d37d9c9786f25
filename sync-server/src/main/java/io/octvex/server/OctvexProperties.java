package io.octvex.server;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Everything an operator can set, bound from {@code octvex.*} properties and the {@code OCTVEX_*}
 * environment variables mapped to them in application.yml.
 */
@ConfigurationProperties("octvex")
public record OctvexProperties(Path home, Database database, Api api, Bootstrap bootstrap) {

    public OctvexProperties {
        home = home != null ? home : Path.of(System.getProperty("user.home"), ".octvex");
        database = database != null ? database : new Database(null, null, null, null);
        api = api != null ? api : new Api(null, null);
        bootstrap = bootstrap != null ? bootstrap : new Bootstrap(null, null);
    }

    /**
     * {@code url} set: an external PostgreSQL. Otherwise the embedded one, with its data under
     * {@code dataDirectory} (default {@code home/pgdata}), or in a throw-away folder when {@code ephemeral}.
     */
    public record Database(String url, String user, String password, Embedded embedded) {
        public Database {
            embedded = embedded != null ? embedded : new Embedded(null, false);
        }

        public boolean external() {
            return url != null && !url.isBlank();
        }
    }

    public record Embedded(Path dataDirectory, boolean ephemeral) {}

    /** Limits of the REST API. */
    public record Api(DataSize maxBodySize, Duration streamPollInterval) {
        public Api {
            maxBodySize = maxBodySize != null ? maxBodySize : DataSize.ofMegabytes(1);
            streamPollInterval = streamPollInterval != null ? streamPollInterval : Duration.ofSeconds(5);
        }
    }

    /** First start: the admin account and the default workspace. */
    public record Bootstrap(String adminUsername, String adminPassword) {
        public Bootstrap {
            adminUsername = adminUsername != null && !adminUsername.isBlank() ? adminUsername : "admin";
        }
    }
}
