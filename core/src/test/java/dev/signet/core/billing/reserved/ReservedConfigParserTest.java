package dev.signet.core.billing.reserved;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.billing.reserved.ReservedConfigParser.Invalid;
import dev.signet.core.billing.reserved.ReservedConfigParser.Outcome;
import dev.signet.core.billing.reserved.ReservedConfigParser.Parsed;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Currency;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReservedConfigParserTest {

  private static final String BAND = "{\"threshold\": 100, \"price_per_unit\": \"0.01\"}";

  /** A valid tenant entry with one field replaced by {@code field}. */
  private static String tenantWith(String fields) {
    return "{\"acme\": {" + fields + "}}";
  }

  private static final String ALLOWANCES = "\"vex_reserved\": 10, \"fu_reserved\": 20";

  static Stream<Arguments> invalidFiles() {
    return Stream.of(
        Arguments.of("empty file", "  ", "the file is empty"),
        Arguments.of("not JSON", "{\"acme\": ", "the file is not valid JSON"),
        Arguments.of("not an object", "[1, 2]", "must be a JSON object of tenant id"),
        Arguments.of("tenant not an object", "{\"acme\": 3}", "tenant \"acme\": must be a JSON"),
        Arguments.of(
            "missing vex_reserved",
            tenantWith("\"fu_reserved\": 1"),
            "tenant \"acme\": vex_reserved is missing"),
        Arguments.of(
            "missing fu_reserved",
            tenantWith("\"vex_reserved\": 1"),
            "tenant \"acme\": fu_reserved is missing"),
        Arguments.of(
            "negative vex_reserved",
            tenantWith("\"vex_reserved\": -1, \"fu_reserved\": 0"),
            "tenant \"acme\": vex_reserved must not be negative, got -1"),
        Arguments.of(
            "fractional fu_reserved",
            tenantWith("\"vex_reserved\": 1, \"fu_reserved\": 2.5"),
            "tenant \"acme\": fu_reserved must be a whole number, got 2.5"),
        Arguments.of(
            "string reserved",
            tenantWith("\"vex_reserved\": \"10\", \"fu_reserved\": 0"),
            "tenant \"acme\": vex_reserved must be a whole number"),
        Arguments.of(
            "tiers not a list",
            tenantWith(ALLOWANCES + ", \"vex_overage_tiers\": {}"),
            "tenant \"acme\": vex_overage_tiers must be a list of bands"),
        Arguments.of(
            "negative price",
            tenantWith(
                ALLOWANCES
                    + ", \"fu_overage_tiers\": [{\"threshold\": 5, \"price_per_unit\": -0.01}]"),
            "tenant \"acme\": fu_overage_tiers[0].price_per_unit must not be negative, got -0.01"),
        Arguments.of(
            "price not a number",
            tenantWith(
                ALLOWANCES
                    + ", \"vex_overage_tiers\": [{\"threshold\": 5, \"price_per_unit\": \"ten\"}]"),
            "tenant \"acme\": vex_overage_tiers[0].price_per_unit must be a decimal number"),
        Arguments.of(
            "missing price",
            tenantWith(ALLOWANCES + ", \"vex_overage_tiers\": [{\"threshold\": 5}]"),
            "tenant \"acme\": vex_overage_tiers[0].price_per_unit is missing"),
        Arguments.of(
            "missing threshold",
            tenantWith(ALLOWANCES + ", \"vex_overage_tiers\": [{\"price_per_unit\": 1}]"),
            "tenant \"acme\": vex_overage_tiers[0].threshold is missing"),
        Arguments.of(
            "negative threshold",
            tenantWith(
                ALLOWANCES
                    + ", \"vex_overage_tiers\": [{\"threshold\": -5, \"price_per_unit\": 1}]"),
            "tenant \"acme\": vex_overage_tiers[0].threshold must not be negative, got -5"),
        Arguments.of(
            "zero threshold before the last band",
            tenantWith(
                ALLOWANCES
                    + ", \"vex_overage_tiers\": [{\"threshold\": 0, \"price_per_unit\": 1}, "
                    + BAND
                    + "]"),
            "tenant \"acme\": vex_overage_tiers[0].threshold must be positive"),
        Arguments.of(
            "thresholds overflow",
            tenantWith(
                ALLOWANCES
                    + ", \"vex_overage_tiers\": [{\"threshold\": 9223372036854775807,"
                    + " \"price_per_unit\": 1}, "
                    + BAND
                    + "]"),
            "tenant \"acme\": vex_overage_tiers thresholds add up to more than"),
        Arguments.of(
            "blank stripe_item",
            tenantWith(
                ALLOWANCES
                    + ", \"vex_overage_tiers\": [{\"threshold\": 5, \"price_per_unit\": 1,"
                    + " \"stripe_item\": \" \"}]"),
            "tenant \"acme\": vex_overage_tiers[0].stripe_item must be a non-blank string"),
        Arguments.of(
            "unknown currency",
            tenantWith(ALLOWANCES + ", \"currency\": \"ZZZ\""),
            "tenant \"acme\": currency \"ZZZ\" is not an ISO 4217 code"),
        Arguments.of(
            "currency without a minor unit",
            tenantWith(ALLOWANCES + ", \"currency\": \"XAU\""),
            "tenant \"acme\": currency XAU has no minor unit"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFiles")
  void shouldRefuseAnInvalidFileWithAReasonNamingTenantAndField(
      String name, String json, String reason) {
    Outcome outcome = ReservedConfigParser.parse(json);

    assertThat(outcome).isInstanceOf(Invalid.class);
    assertThat(((Invalid) outcome).reasons()).anySatisfy(r -> assertThat(r).contains(reason));
  }

  static Stream<Arguments> validFiles() {
    return Stream.of(
        Arguments.of("no tenants", "{}", 0),
        Arguments.of("allowances only, no bands", tenantWith(ALLOWANCES), 1),
        Arguments.of(
            "zero-width open-ended last band",
            tenantWith(
                ALLOWANCES
                    + ", \"vex_overage_tiers\": ["
                    + BAND
                    + ", {\"threshold\": 0, \"price_per_unit\": \"0.002\"}]"),
            1),
        Arguments.of(
            "whole float allowance", tenantWith("\"vex_reserved\": 1000.0, \"fu_reserved\": 0"), 1),
        Arguments.of(
            "price as integer and string",
            tenantWith(
                ALLOWANCES
                    + ", \"vex_overage_tiers\": [{\"threshold\": 1, \"price_per_unit\": 2},"
                    + " {\"threshold\": 1, \"price_per_unit\": \"0.5\"}]"),
            1),
        Arguments.of("lower-case currency", tenantWith(ALLOWANCES + ", \"currency\": \"eur\""), 1),
        Arguments.of(
            "unknown fields ignored",
            tenantWith(ALLOWANCES + ", \"subscription_plan\": \"p\", \"tenant_id\": \"x\""),
            1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validFiles")
  void shouldAcceptAValidFile(String name, String json, int tenants) {
    Outcome outcome = ReservedConfigParser.parse(json);

    assertThat(outcome).isInstanceOf(Parsed.class);
    assertThat(((Parsed) outcome).config().tenants()).hasSize(tenants);
  }

  @Test
  void shouldReportEveryProblemOfTheFileAtOnce() {
    String json =
        "{\"acme\": {\"vex_reserved\": -1}, \"globex\": {\"vex_reserved\": 1, \"fu_reserved\": 1,"
            + " \"currency\": \"QQQ\"}}";

    Outcome outcome = ReservedConfigParser.parse(json);

    assertThat(((Invalid) outcome).reasons())
        .containsExactly(
            "tenant \"acme\": vex_reserved must not be negative, got -1",
            "tenant \"acme\": fu_reserved is missing",
            "tenant \"globex\": currency \"QQQ\" is not an ISO 4217 code");
  }

  @Test
  void shouldReadJsonNumberPricesExactlyNotThroughADouble() {
    String json =
        tenantWith(
            ALLOWANCES
                + ", \"vex_overage_tiers\": [{\"threshold\": 1, \"price_per_unit\":"
                + " 0.1000000000000000055511151231257827}]");

    TenantReservation acme = parsed(json).tenant("acme").orElseThrow();

    assertThat(acme.vex().overageTiers().get(0).pricePerUnit())
        .isEqualByComparingTo(new BigDecimal("0.1000000000000000055511151231257827"));
  }

  @Test
  void shouldDefaultTheCurrencyToUsd() {
    TenantReservation acme = parsed(tenantWith(ALLOWANCES)).tenant("acme").orElseThrow();

    assertThat(acme.currency()).isEqualTo(Currency.getInstance("USD"));
  }

  @Test
  void shouldTreatMissingBandListsAsOverageNotBilled() {
    TenantReservation acme = parsed(tenantWith(ALLOWANCES)).tenant("acme").orElseThrow();

    assertThat(acme.vex()).isEqualTo(new Allowance(10, java.util.List.of()));
    assertThat(acme.fu().overageTiers()).isEmpty();
  }

  @Test
  void shouldLoadAFileOfThePythonOriginalAsItIs() throws IOException {
    ReservedConfig config = parsed(resource("reserved-python-original.json"));

    TenantReservation enterprise = config.tenant("enterprise_customer").orElseThrow();
    assertThat(enterprise.vex().reserved()).isEqualTo(1_000_000);
    assertThat(enterprise.fu().reserved()).isEqualTo(5_000_000);
    assertThat(enterprise.currency().getCurrencyCode()).isEqualTo("USD");
    assertThat(enterprise.vex().overageTiers())
        .extracting(OverageBand::threshold, OverageBand::stripeItem)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(500_000L, Optional.of("signet_vex_tier1")),
            org.assertj.core.groups.Tuple.tuple(1_000_000L, Optional.of("signet_vex_tier2")));
    assertThat(enterprise.fu().overageTiers().get(0).pricePerUnit()).isEqualByComparingTo("0.0008");
    TenantReservation acme = config.tenant("acme").orElseThrow();
    assertThat(acme.vex().overageTiers().get(0).stripeItem()).isEmpty();
    assertThat(acme.fu().overageTiers()).isEmpty();
  }

  private static ReservedConfig parsed(String json) {
    Outcome outcome = ReservedConfigParser.parse(json);
    assertThat(outcome).isInstanceOf(Parsed.class);
    return ((Parsed) outcome).config();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = ReservedConfigParserTest.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
