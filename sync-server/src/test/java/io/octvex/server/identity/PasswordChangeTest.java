package io.octvex.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.Role;
import io.octvex.protocol.Scope;
import io.octvex.server.ServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

@ServerTest
class PasswordChangeTest {
    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    private static int status(Throwable e) {
        return ((OctvexApiException) e).status();
    }

    @Test
    void aUserChangesTheirPasswordAndTheirOtherSessionsEnd() {
        TestApi api = TestApi.on(port);
        var ws = api.newWorkspace("pw");
        TestApi.User user = api.newUser(ws.id(), Role.VIEWER);
        var otherSession = api.anonymous().withToken(api.anonymous().login(user.name(), user.password()).token());
        String newPassword = "a brand new passphrase " + TestApi.unique("x");

        user.client().changePassword(user.password(), newPassword);

        assertThatThrownBy(() -> api.anonymous().login(user.name(), user.password()))
                .satisfies(e -> assertThat(status(e)).isEqualTo(401));
        assertThat(api.anonymous().login(user.name(), newPassword).token()).startsWith("ovx_");
        assertThat(user.client().me().name()).isEqualTo(user.name()); // the session that changed it goes on
        assertThatThrownBy(otherSession::me).satisfies(e -> assertThat(status(e)).isEqualTo(401));
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE type = 'auth.password_changed' AND principal_id = ?"
                + " AND data::text NOT LIKE ?").params(user.id(), "%" + newPassword + "%").query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void theCurrentPasswordMustBeRightAndTheNewOneLongEnough() {
        TestApi api = TestApi.on(port);
        var ws = api.newWorkspace("pw-bad");
        TestApi.User user = api.newUser(ws.id(), Role.VIEWER);
        String hashBefore = jdbc.sql("SELECT password_hash FROM principals WHERE id = ?").param(user.id())
                .query(String.class).single();

        assertThatThrownBy(() -> user.client().changePassword("not my password", "long enough new password"))
                .satisfies(e -> assertThat(status(e)).isEqualTo(403));
        assertThatThrownBy(() -> user.client().changePassword(user.password(), "short"))
                .satisfies(e -> assertThat(((OctvexApiException) e).problem().detail()).contains("'newPassword'"));
        String apiToken = api.adminToken(ws.id(), Scope.WORKSPACE_READ).secret();
        assertThatThrownBy(() -> api.anonymous().withToken(apiToken).changePassword("x", "long enough new password"))
                .satisfies(e -> assertThat(status(e)).isEqualTo(400));

        assertThat(jdbc.sql("SELECT password_hash FROM principals WHERE id = ?").param(user.id())
                .query(String.class).single()).isEqualTo(hashBefore);
    }
}
