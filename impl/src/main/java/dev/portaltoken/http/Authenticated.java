package dev.portaltoken.http;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds {@link AuthenticationFilter} and {@link RateLimitFilter} to the resource methods that
 * require a key: {@link ApiApplication} names it on those routes, so a request is authenticated by
 * the route Jersey matched, never by how its path is spelt.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@interface Authenticated {
}
