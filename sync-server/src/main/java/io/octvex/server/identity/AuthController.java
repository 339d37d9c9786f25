package io.octvex.server.identity;

import io.octvex.protocol.LoginRequest;
import io.octvex.protocol.PrincipalView;
import io.octvex.protocol.Problem;
import io.octvex.protocol.ChangePassword;
import io.octvex.protocol.Session;
import io.octvex.server.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Arrays;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Login, logout and "who am I". */
@RestController
class AuthController {
    static final String WRONG = "username or password is wrong";

    private final Logins logins;
    private final java.time.Clock clock;

    AuthController(Logins logins, java.time.Clock clock) {
        this.logins = logins;
        this.clock = clock;
    }

    @PostMapping("/api/v1/auth/login")
    ResponseEntity<?> login(@RequestBody LoginRequest request, HttpServletRequest http) {
        if (request.username() == null || request.username().isBlank()) {
            throw ApiException.badRequest("'username' is required");
        }
        if (request.password() == null || request.password().isEmpty()) {
            throw ApiException.badRequest("'password' is required");
        }
        if (request.username().length() > 200 || request.password().length() > 1024) {
            throw ApiException.unauthorized(WRONG);
        }
        // the JSON layer already holds the password as a String; the char[] copy at least is wiped
        char[] password = request.password().toCharArray();
        Logins.Outcome outcome;
        try {
            outcome = logins.login(request.username().strip(), password);
        } finally {
            Arrays.fill(password, '\0');
        }
        return switch (outcome) {
            case Logins.LoggedIn in -> ResponseEntity.ok(in.session());
            case Logins.Refused r -> throw ApiException.unauthorized(WRONG);
            case Logins.Locked locked -> {
                long seconds = Math.max(1, Duration.between(clock.instant(), locked.until()).toSeconds());
                yield ResponseEntity.status(HttpStatus.LOCKED)
                        .header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
                        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body(new Problem("about:blank", "Locked", HttpStatus.LOCKED.value(),
                                "too many failed logins: the account is locked until " + locked.until()
                                        + " (UTC); try again after that or ask an administrator",
                                http.getRequestURI()));
            }
        };
    }

    @PostMapping("/api/v1/auth/logout")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void logout(Caller caller) {
        logins.logout(caller);
    }

    @PostMapping("/api/v1/me/password")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void changePassword(Caller caller, @RequestBody ChangePassword request) {
        if (request.currentPassword() == null || request.newPassword() == null) {
            throw ApiException.badRequest("'currentPassword' and 'newPassword' are required");
        }
        char[] current = request.currentPassword().toCharArray();
        char[] next = request.newPassword().toCharArray();
        try {
            logins.changePassword(caller, current, next);
        } finally {
            Arrays.fill(current, '\0');
            Arrays.fill(next, '\0');
        }
    }

    @GetMapping("/api/v1/me")
    PrincipalView me(Caller caller) {
        return logins.me(caller);
    }
}
