package dev.signet.core.receipt;

import java.util.Objects;

/** The egress policy decision recorded in a receipt. */
public record Policy(String engine, boolean allowed, String reason) {

  public static final String ENGINE = "HEL";

  public Policy {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(reason, "reason");
  }

  public static Policy allowed(String reason) {
    return new Policy(ENGINE, true, reason);
  }

  public static Policy denied(String reason) {
    return new Policy(ENGINE, false, reason);
  }
}
