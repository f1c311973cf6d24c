package dev.signet.ingress.docs;

import dev.signet.core.error.ErrorCode;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The problem codes an endpoint may answer with. The OpenAPI document turns them into one {@code
 * application/problem+json} response per status, whose {@code code} is restricted to these: the
 * contract names the codes a client must handle, typed, so none is mistyped or forgotten.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Refusals {

  ErrorCode[] value();
}
