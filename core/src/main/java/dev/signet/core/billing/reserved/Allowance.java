package dev.signet.core.billing.reserved;

import java.util.List;
import java.util.Objects;

/**
 * A tenant's monthly allowance of one unit type and the bands its overage flows through.
 *
 * @param reserved units included each calendar month (UTC) before any overage
 * @param overageTiers ordered bands; empty means overage of this type is not billed
 */
public record Allowance(long reserved, List<OverageBand> overageTiers) {

  public static final Allowance NONE = new Allowance(0, List.of());

  public Allowance {
    if (reserved < 0) {
      throw new IllegalArgumentException("reserved must not be negative, got " + reserved);
    }
    overageTiers = List.copyOf(Objects.requireNonNull(overageTiers, "overageTiers"));
    long width = 0;
    for (OverageBand band : overageTiers) {
      // Pricing adds the widths up in a long: refuse a table it could not add.
      width = Math.addExact(width, band.threshold());
    }
    for (int i = 0; i < overageTiers.size() - 1; i++) {
      if (overageTiers.get(i).threshold() <= 0) {
        throw new IllegalArgumentException(
            "band " + i + " is not the last and must have a positive threshold");
      }
    }
  }
}
