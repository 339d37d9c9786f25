package io.octvex.server.api;

import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/** Every REST endpoint the running server maps under /api/, read from Spring itself. */
record Endpoints(List<Endpoint> all) {
    private static final Pattern VARIABLE = Pattern.compile("\\{(\\w+)}");

    record Endpoint(RequestMethod method, String pattern, boolean takesBody) {
        Set<String> variables() {
            Matcher m = VARIABLE.matcher(pattern);
            java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        }

        String path(Map<String, String> values) {
            Matcher m = VARIABLE.matcher(pattern);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = values.get(m.group(1));
                if (value == null) {
                    throw new AssertionError("no value for {" + m.group(1) + "} in " + this
                            + ": add the variable to the test so this endpoint is covered");
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return out.toString();
        }

        @Override
        public String toString() {
            return method + " " + pattern;
        }
    }

    static Endpoints of(RequestMappingHandlerMapping mapping) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mapping.getHandlerMethods().entrySet()) {
            boolean body = Arrays.stream(e.getValue().getMethod().getParameters())
                    .anyMatch((Parameter p) -> p.isAnnotationPresent(RequestBody.class));
            for (String pattern : e.getKey().getPatternValues()) {
                if (!pattern.startsWith("/api/")) {
                    continue;
                }
                Set<RequestMethod> methods = e.getKey().getMethodsCondition().getMethods();
                for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    endpoints.add(new Endpoint(method, pattern, body));
                }
            }
        }
        endpoints.sort(java.util.Comparator.comparing(Endpoint::toString));
        return new Endpoints(List.copyOf(endpoints));
    }
}
