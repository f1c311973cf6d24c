package dev.signet.launcher.chaos;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reserved capacity and overage tiers every tenant of a chaos run has, sized to the run so that
 * each tenant goes well past its reservation and through both bands: a reservation of a fifth of
 * the run's exchanges (each of the two tenants sends about half), a first band of a tenth at a
 * price below a cent (so the per-band rounding matters), then an open band. It writes billing's
 * {@code SP_RESERVED_CONFIG} file and recomputes the tier formula on its own, in {@link
 * BigDecimal}, for the check of billing's charges.
 *
 * @param reserved VEx included per tenant and month
 * @param firstBandWidth units in the first overage band
 */
record ChaosPricing(long reserved, long firstBandWidth) {

  static final String CURRENCY = "USD";
  static final BigDecimal FIRST_BAND_PRICE = new BigDecimal("0.0125");
  static final BigDecimal OPEN_BAND_PRICE = new BigDecimal("0.004");
  static final List<String> METER_EVENTS = List.of("chaos_vex_band_0", "chaos_vex_band_1");

  ChaosPricing {
    if (reserved < 1 || firstBandWidth < 1) {
      throw new IllegalArgumentException(
          "reserved and firstBandWidth must be positive: " + reserved + ", " + firstBandWidth);
    }
  }

  static ChaosPricing forRun(int exchanges) {
    return new ChaosPricing(Math.max(1, exchanges / 5), Math.max(1, exchanges / 10));
  }

  /** The {@code SP_RESERVED_CONFIG} file: the same reservation for every tenant. */
  String reservedConfigJson(Iterable<String> tenants) {
    StringBuilder json = new StringBuilder("{");
    for (String tenant : tenants) {
      if (json.length() > 1) {
        json.append(',');
      }
      json.append('"')
          .append(tenant)
          .append("\":{\"vex_reserved\":")
          .append(reserved)
          .append(",\"fu_reserved\":0,\"currency\":\"")
          .append(CURRENCY)
          .append("\",\"vex_overage_tiers\":[{\"threshold\":")
          .append(firstBandWidth)
          .append(",\"price_per_unit\":\"")
          .append(FIRST_BAND_PRICE.toPlainString())
          .append("\",\"stripe_item\":\"")
          .append(METER_EVENTS.get(0))
          .append("\"},{\"threshold\":0,\"price_per_unit\":\"")
          .append(OPEN_BAND_PRICE.toPlainString())
          .append("\",\"stripe_item\":\"")
          .append(METER_EVENTS.get(1))
          .append("\"}]}");
    }
    return json.append('}').toString();
  }

  /** One band of the formula's answer: units in it and their amount, rounded once. */
  record BandAmount(long units, BigDecimal amount) {}

  /**
   * The tier formula on a month's {@code used} VEx: the overage fills the first band up to its
   * width, the rest goes to the open band; each band's amount is units × price rounded half-even to
   * cents. Bands without units are left out.
   */
  Map<Integer, BandAmount> formula(long used) {
    long overage = Math.max(0, used - reserved);
    long first = Math.min(overage, firstBandWidth);
    Map<Integer, BandAmount> bands = new TreeMap<>();
    addBand(bands, 0, first, FIRST_BAND_PRICE);
    addBand(bands, 1, overage - first, OPEN_BAND_PRICE);
    return bands;
  }

  private static void addBand(
      Map<Integer, BandAmount> bands, int band, long units, BigDecimal price) {
    if (units > 0) {
      bands.put(
          band,
          new BandAmount(
              units,
              BigDecimal.valueOf(units).multiply(price).setScale(2, RoundingMode.HALF_EVEN)));
    }
  }
}
