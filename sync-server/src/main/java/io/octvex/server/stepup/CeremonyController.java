package io.octvex.server.stepup;

import io.octvex.server.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * What the ceremony page ({@code /webauthn/ceremony.html}) calls. The browser has no API token: the one-time
 * ticket from the link is its credential, sent in the body (never in a URL that logs keep). JSON bodies from
 * another origin need a CORS preflight, which this server never grants; a foreign Origin is refused too.
 */
@RestController
class CeremonyController {
    private final StepUps stepUps;
    private final RelyingPartySettings settings;

    CeremonyController(StepUps stepUps, RelyingPartySettings settings) {
        this.stepUps = stepUps;
        this.settings = settings;
    }

    record Ticket(String ticket, JsonNode credential) {}

    @PostMapping("/webauthn/ceremony/options")
    JsonNode options(HttpServletRequest http, @RequestBody(required = false) Ticket request) {
        sameOrigin(http);
        return stepUps.ticketOptions(request == null ? null : request.ticket());
    }

    @PostMapping("/webauthn/ceremony/finish")
    Map<String, String> finish(HttpServletRequest http, @RequestBody(required = false) Ticket request) {
        sameOrigin(http);
        StepUps.Finished done = stepUps.finishTicket(request == null ? null : request.ticket(),
                request == null ? null : request.credential());
        return done.next() == null ? Map.of("outcome", done.outcome())
                : Map.of("outcome", done.outcome(), "next", done.next());
    }

    private void sameOrigin(HttpServletRequest http) {
        String origin = http.getHeader("Origin");
        if (origin != null && !origin.equals(settings.origin())) {
            throw ApiException.forbidden("the ceremony page only works from " + settings.origin());
        }
    }
}
