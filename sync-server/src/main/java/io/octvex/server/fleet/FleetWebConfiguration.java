package io.octvex.server.fleet;

import io.octvex.server.web.ApiException;
import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Lets edge controllers take {@code AuthenticatedEdge edge}; turns on the lease sweeper's schedule. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class FleetWebConfiguration implements WebMvcConfigurer {
    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new HandlerMethodArgumentResolver() {
            @Override
            public boolean supportsParameter(MethodParameter parameter) {
                return parameter.getParameterType() == AuthenticatedEdge.class;
            }

            @Override
            public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav,
                                          NativeWebRequest request, WebDataBinderFactory binders) {
                Object edge = request.getAttribute(EdgeAuthenticationFilter.EDGE, RequestAttributes.SCOPE_REQUEST);
                if (edge == null) {
                    throw ApiException.unauthorized("this needs an edge token: 'Authorization: Bearer ovx_edge_…'");
                }
                return edge;
            }
        });
    }
}
