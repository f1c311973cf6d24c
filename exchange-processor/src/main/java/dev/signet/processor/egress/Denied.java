package dev.signet.processor.egress;

import dev.signet.core.error.ErrorCode;
import java.util.Objects;

/**
 * A forward the policy refuses, at precheck or after resolution. Answered 403 with {@code code};
 * never billed.
 *
 * @param code one of the {@code HEL_*} codes
 * @param detail what was refused and why, for the problem response and logs
 */
public record Denied(ErrorCode code, String detail) implements Precheck, Resolution {

  public Denied {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(detail, "detail");
  }
}
