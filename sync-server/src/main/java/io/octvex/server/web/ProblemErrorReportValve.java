package io.octvex.server.web;

import io.octvex.protocol.Json;
import io.octvex.protocol.Problem;
import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;

/**
 * Tomcat refuses some requests before any servlet sees them (an encoded NUL in the path, a malformed
 * URI). Its default page is HTML naming the server; this valve answers those with our problem body too.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        String title = known == null ? "HTTP " + status : known.getReasonPhrase();
        String detail = status == 400 ? "the request line or path is malformed (for example an encoded control "
                + "character in the path) and was refused before it reached the API" : title;
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(Json.write(new Problem("about:blank", title, status, detail, null)));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response is closed: nothing left to tell it
        }
    }
}
