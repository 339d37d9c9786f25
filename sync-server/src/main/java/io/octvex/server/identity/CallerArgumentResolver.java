package io.octvex.server.identity;

import io.octvex.server.web.ApiException;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/** Lets a controller method take {@code Caller caller}: the principal the filter authenticated. */
class CallerArgumentResolver implements HandlerMethodArgumentResolver {
    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Caller.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
                                  NativeWebRequest webRequest, WebDataBinderFactory binderFactory) {
        Object caller = webRequest.getAttribute(AuthenticationFilter.CALLER, RequestAttributes.SCOPE_REQUEST);
        if (caller == null) {
            // a handler outside the filter's protected paths asked for a caller: never act anonymously
            throw ApiException.unauthorized("this needs a token: send 'Authorization: Bearer <token>'");
        }
        return caller;
    }
}
