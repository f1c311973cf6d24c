package dev.signet.ingress;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;

/**
 * A {@code @WebMvcTest} of every controller and the problem advice, with the components they share
 * (authentication, rate limits, bounded bodies) and {@link ApiSliceBeans}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@WebMvcTest(
    includeFilters =
        @ComponentScan.Filter(
            type = FilterType.REGEX,
            pattern = {
              "dev\\.signet\\.ingress\\.auth\\.Authenticator",
              "dev\\.signet\\.ingress\\.exchange\\.RateLimiter",
              "dev\\.signet\\.ingress\\.body\\.BoundedBody"
            }))
@Import(ApiSliceBeans.class)
@interface ApiSliceTest {}
