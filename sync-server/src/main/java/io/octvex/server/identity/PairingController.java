package io.octvex.server.identity;

import io.octvex.protocol.CreatePairingCode;
import io.octvex.protocol.PairRequest;
import io.octvex.protocol.PairingCode;
import io.octvex.protocol.Problem;
import io.octvex.server.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Pairing a Desk with a one-time code: making codes, and trading one for a session. */
@RestController
class PairingController {
    private final Pairings pairings;
    private final Clock clock;

    PairingController(Pairings pairings, Clock clock) {
        this.pairings = pairings;
        this.clock = clock;
    }

    @PostMapping("/api/v1/pairing-codes")
    @ResponseStatus(HttpStatus.CREATED)
    PairingCode create(Caller caller, @RequestBody(required = false) CreatePairingCode request) {
        return pairings.create(caller, request == null ? null : request.username());
    }

    @PostMapping("/api/v1/workspaces/{workspaceId}/members/{principalId}/pairing-code")
    @ResponseStatus(HttpStatus.CREATED)
    PairingCode invite(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID principalId) {
        return pairings.invite(caller, workspaceId, principalId);
    }

    @PostMapping("/api/v1/auth/pair")
    ResponseEntity<?> pair(@RequestBody(required = false) PairRequest request, HttpServletRequest http) {
        if (request == null || request.code() == null || request.code().isBlank()) {
            throw ApiException.badRequest("'code' is required: the one-time code `./octvex pair` printed");
        }
        return switch (pairings.exchange(request.code(), http.getRemoteAddr())) {
            case Pairings.Paired p -> ResponseEntity.ok(p.session());
            case Pairings.Refused r -> problem(HttpStatus.valueOf(r.status())).body(
                    body(HttpStatus.valueOf(r.status()), r.detail(), http));
            case Pairings.Throttled t -> {
                long seconds = Math.max(1, Duration.between(clock.instant(), t.until()).toSeconds());
                String detail = "too many wrong pairing codes from this address: try again in " + seconds + " seconds";
                yield problem(HttpStatus.TOO_MANY_REQUESTS)
                        .header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
                        .body(body(HttpStatus.TOO_MANY_REQUESTS, detail, http));
            }
        };
    }

    private static ResponseEntity.BodyBuilder problem(HttpStatus status) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    private static Problem body(HttpStatus status, String detail, HttpServletRequest http) {
        return new Problem("about:blank", status.getReasonPhrase(), status.value(), detail, http.getRequestURI());
    }
}
