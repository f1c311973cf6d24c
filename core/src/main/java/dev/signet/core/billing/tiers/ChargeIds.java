package dev.signet.core.billing.tiers;

import dev.signet.core.billing.reserved.UnitType;
import dev.signet.core.crypto.Hashes;
import dev.signet.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.YearMonth;
import java.util.HexFormat;
import java.util.List;

/**
 * Deterministic charge ids: {@code "ch-"} + hex SHA-256 of the JSON array {@code [tenant,
 * "YYYY-MM", type, band, usedBefore, usedAfter]}. A JSON array keeps the fields apart whatever a
 * tenant id contains, and the cumulative totals make each increment of a month its own charge.
 */
public final class ChargeIds {

  public static final String PREFIX = "ch-";

  private ChargeIds() {}

  public static String of(
      String tenant, YearMonth period, UnitType type, int band, long usedBefore, long usedAfter) {
    String material =
        Json.toText(
            List.of(tenant, period.toString(), type.wireName(), band, usedBefore, usedAfter));
    return PREFIX
        + HexFormat.of().formatHex(Hashes.digest(material.getBytes(StandardCharsets.UTF_8)));
  }
}
