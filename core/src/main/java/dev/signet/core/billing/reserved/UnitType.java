package dev.signet.core.billing.reserved;

/** What a tenant is billed for: verified exchanges, or LLM repair tokens (fallback units). */
public enum UnitType {
  VEX("vex"),
  FU("fu");

  private final String wireName;

  UnitType(String wireName) {
    this.wireName = wireName;
  }

  /** The lower-case name used in the reserved-capacity file, topics and metric labels. */
  public String wireName() {
    return wireName;
  }
}
