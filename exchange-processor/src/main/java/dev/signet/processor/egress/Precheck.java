package dev.signet.processor.egress;

import java.util.Objects;

/** The outcome of {@link EgressPolicy#precheck}: a target to resolve, or a denial. */
public sealed interface Precheck permits Precheck.Checked, Denied {

  /** The URL passed every check that needs no DNS. */
  record Checked(EgressTarget target) implements Precheck {
    public Checked {
      Objects.requireNonNull(target, "target");
    }
  }
}
