package io.octvex.server.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;

/**
 * Turns every failure into RFC 9457 problem details with a message a person can act on. Internal errors
 * are logged with a reference id and answered with that id only: no stack trace, no exception text.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {
    private static final URI TYPE = URI.create("about:blank");
    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e, HttpServletRequest request) {
        ResponseEntity<ProblemDetail> answer = problem(e.status(), e.title(), e.getMessage(), request);
        if (e.status() == HttpStatus.UNAUTHORIZED) { // RFC 6750: say how to authenticate
            return ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"octvex\"").body(answer.getBody());
        }
        return answer;
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        Class<?> type = e.getRequiredType();
        String expected = type == UUID.class ? "an id (a UUID such as 3f2a…-…)"
                : type == int.class || type == Integer.class || type == long.class || type == Long.class
                ? "a whole number"
                : type == null ? "a valid value" : "a " + type.getSimpleName();
        return problem(HttpStatus.BAD_REQUEST, "Invalid request",
                "'" + e.getName() + "' must be " + expected + ", got '" + abbreviate(String.valueOf(e.getValue())) + "'",
                request);
    }

    @ExceptionHandler(OptimisticLockingFailureException.class)
    ResponseEntity<ProblemDetail> concurrentChange(OptimisticLockingFailureException e, HttpServletRequest request) {
        return problem(HttpStatus.CONFLICT, "Conflict",
                "it was changed by someone else at the same time; read it again and retry", request);
    }

    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<ProblemDetail> integrity(DataIntegrityViolationException e, HttpServletRequest request) {
        log.info("Refused by a database constraint: {}", e.getMostSpecificCause().getMessage());
        return problem(HttpStatus.CONFLICT, "Conflict",
                "the change conflicts with existing data (a duplicate name, or a reference to something missing)",
                request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        if (DatabaseUnavailable.causedBy(e)) {
            log.warn("Database unavailable on {} {}: {}", request.getMethod(), request.getRequestURI(),
                    e.getMessage());
            ResponseEntity<ProblemDetail> answer = problem(HttpStatus.SERVICE_UNAVAILABLE, DatabaseUnavailable.TITLE,
                    DatabaseUnavailable.DETAIL, request);
            return ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                    .header(HttpHeaders.RETRY_AFTER, DatabaseUnavailable.RETRY_AFTER).body(answer.getBody());
        }
        String reference = UUID.randomUUID().toString();
        log.error("Internal error {} on {} {}", reference, request.getMethod(), request.getRequestURI(), e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                "the server failed to handle this request; nothing was changed. Reference: " + reference, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyTooLargeException tooLarge) {
                return problemObject(HttpStatus.CONTENT_TOO_LARGE, "Request body too large", tooLarge.getMessage(),
                        request);
            }
        }
        return problemObject(HttpStatus.BAD_REQUEST, "Invalid request body", unreadable(e), request);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = e.getBindingResult().getFieldErrors().stream()
                .map(f -> "'" + f.getField() + "' " + f.getDefaultMessage()).collect(Collectors.joining("; "));
        return problemObject(HttpStatus.BAD_REQUEST, "Invalid request", detail, request);
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        // Spring's own 4xx (unknown path, wrong method, unsupported media type): keep its status, our body
        HttpStatus status = HttpStatus.valueOf(statusCode.value());
        String detail = body instanceof ProblemDetail pd && pd.getDetail() != null ? pd.getDetail() : status.getReasonPhrase();
        return problemObject(status, status.getReasonPhrase(), detail, request);
    }

    /** Jackson's messages name Java classes; say what is wrong in the JSON instead. */
    static String unreadable(HttpMessageNotReadableException e) {
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof UnrecognizedPropertyException u) {
            return "unknown field '" + u.getPropertyName() + "'" + at(u) + "; known fields: "
                    + u.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
        }
        if (cause instanceof ValueInstantiationException v && v.getCause() instanceof IllegalArgumentException iae) {
            return iae.getMessage() + at(v);
        }
        if (cause instanceof IllegalArgumentException iae && e.getCause() instanceof DatabindException d) {
            return iae.getMessage() + at(d);
        }
        if (cause instanceof InvalidFormatException f) {
            return "'" + abbreviate(String.valueOf(f.getValue())) + "' is not a valid "
                    + f.getTargetType().getSimpleName().toLowerCase(java.util.Locale.ROOT) + at(f);
        }
        if (cause instanceof MismatchedInputException m) {
            String type = m.getTargetType() == null ? "value" : m.getTargetType().getSimpleName();
            return "wrong type" + at(m) + ": expected " + describe(type);
        }
        if (cause instanceof StreamReadException p) {
            var loc = p.getLocation();
            return "malformed JSON" + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr());
        }
        if (cause instanceof JacksonException j) {
            return "the body is not valid JSON for this request" + at(j);
        }
        return "a JSON body is required";
    }

    private static String describe(String javaType) {
        return switch (javaType) {
            case "String" -> "a string";
            case "int", "Integer", "long", "Long" -> "a whole number";
            case "boolean", "Boolean" -> "true or false";
            case "List", "ArrayList" -> "an array";
            case "UUID" -> "an id (UUID)";
            case "Instant" -> "a timestamp such as 2026-01-31T12:00:00Z";
            default -> javaType.endsWith("Node") ? "JSON" : "an object";
        };
    }

    private static String at(JacksonException e) {
        String path = e.getPath().stream()
                .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        return path.isEmpty() ? "" : " at '" + path + "'";
    }

    private static String abbreviate(String value) {
        return value.length() > 60 ? value.substring(0, 57) + "..." : value;
    }

    private ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail,
                                                  HttpServletRequest request) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(body(status, title, detail, request.getRequestURI()));
    }

    private ResponseEntity<Object> problemObject(HttpStatus status, String title, String detail, WebRequest request) {
        String instance = request instanceof ServletWebRequest swr ? swr.getRequest().getRequestURI() : null;
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(body(status, title, detail, instance));
    }

    /** Spring leaves out a type of about:blank; RFC 9457 clients (and our own) expect every member. */
    private static ProblemDetail body(HttpStatus status, String title, String detail, String instance) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setTitle(title);
        body.setType(TYPE);
        if (instance != null) {
            body.setInstance(URI.create(instance));
        }
        return body;
    }
}
