package dev.signet.ingress.billing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Json;
import dev.signet.ingress.auth.Authenticator;
import dev.signet.ingress.auth.Scopes;
import dev.signet.ingress.billing.BillingQueries.ChargeRow;
import dev.signet.ingress.docs.Refusals;
import dev.signet.ingress.errors.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Finance views of the caller's own tenant: {@code GET /v1/billing/usage} and {@code GET
 * /v1/billing/charges} (JSON, or CSV when {@code Accept} asks for {@code text/csv}), scope {@code
 * billing.read}. The tenant is always the API key's: there is no parameter to name another. An
 * unknown tenant or a month without data is an empty view, not 404: "nothing billed yet" is an
 * answer finance can reconcile against.
 */
@RestController
@Tag(name = "billing")
class BillingController {

  private static final Logger log = LoggerFactory.getLogger(BillingController.class);
  private static final Pattern PERIOD = Pattern.compile("[0-9]{4}-(0[1-9]|1[0-2])");
  static final MediaType CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

  private final Authenticator authenticator;
  private final BillingQueries queries;
  private final Clock clock;

  BillingController(Authenticator authenticator, BillingQueries queries, Clock billingClock) {
    this.authenticator = authenticator;
    this.queries = queries;
    this.clock = billingClock;
  }

  @Operation(
      summary = "Usage against reserved capacity",
      description =
          "The caller's tenant only (there is no parameter to name another). A month without data"
              + " is an empty view, not 404.",
      security = @SecurityRequirement(name = "apiKey", scopes = "billing.read"),
      parameters =
          @Parameter(
              name = "period",
              in = ParameterIn.QUERY,
              description = "A UTC calendar month, YYYY-MM; the current one when absent.",
              schema = @Schema(type = "string", pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")),
      responses =
          @ApiResponse(
              responseCode = "200",
              description = "The usage view.",
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(ref = "#/components/schemas/UsageView"))))
  @Refusals({
    ErrorCode.PERIOD_INVALID,
    ErrorCode.MALFORMED_REQUEST,
    ErrorCode.AUTH_MISSING,
    ErrorCode.AUTH_INVALID,
    ErrorCode.SCOPE_MISSING,
    ErrorCode.NOT_ACCEPTABLE,
    ErrorCode.UNAVAILABLE
  })
  @GetMapping(
      path = "/v1/billing/usage",
      produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
  ResponseEntity<byte[]> usage(
      HttpServletRequest request, @RequestParam(name = "period", required = false) String period) {
    String tenant = caller(request);
    Instant now = clock.instant();
    YearMonth month = period(period, now);
    ObjectNode view;
    try {
      view =
          UsageView.of(
              tenant,
              month,
              now,
              queries.reservation(tenant),
              queries.periodTotals(tenant, month.toString()),
              queries.charges(tenant, month.toString()));
    } catch (SQLException e) {
      throw unavailable(e);
    }
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Json.toBytes(view));
  }

  @Operation(
      summary = "Overage charges of a month",
      description =
          "The caller's tenant only. JSON, or RFC 4180 CSV when Accept names text/csv at least as"
              + " high as application/json.",
      security = @SecurityRequirement(name = "apiKey", scopes = "billing.read"),
      parameters =
          @Parameter(
              name = "period",
              in = ParameterIn.QUERY,
              description = "A UTC calendar month, YYYY-MM; the current one when absent.",
              schema = @Schema(type = "string", pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")),
      responses =
          @ApiResponse(
              responseCode = "200",
              description = "The charges.",
              content = {
                @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(ref = "#/components/schemas/Charges")),
                @Content(
                    mediaType = "text/csv",
                    schema =
                        @Schema(
                            type = "string",
                            description =
                                "Header charge_id,tenant,period,type,band,units,unit_price,amount,"
                                    + "currency,used_before,used_after,window_start,window_end,"
                                    + "stripe_event_name,charged_at"))
              }))
  @Refusals({
    ErrorCode.PERIOD_INVALID,
    ErrorCode.MALFORMED_REQUEST,
    ErrorCode.AUTH_MISSING,
    ErrorCode.AUTH_INVALID,
    ErrorCode.SCOPE_MISSING,
    ErrorCode.NOT_ACCEPTABLE,
    ErrorCode.UNAVAILABLE
  })
  @GetMapping(
      path = "/v1/billing/charges",
      produces = {
        MediaType.APPLICATION_JSON_VALUE,
        "text/csv",
        MediaType.APPLICATION_PROBLEM_JSON_VALUE
      })
  ResponseEntity<byte[]> charges(
      HttpServletRequest request, @RequestParam(name = "period", required = false) String period) {
    String tenant = caller(request);
    Instant now = clock.instant();
    YearMonth month = period(period, now);
    List<ChargeRow> charges;
    try {
      charges = queries.charges(tenant, month.toString());
    } catch (SQLException e) {
      throw unavailable(e);
    }
    if (wantsCsv(request.getHeader(HttpHeaders.ACCEPT))) {
      return ResponseEntity.ok()
          .contentType(CSV)
          .header(
              HttpHeaders.CONTENT_DISPOSITION,
              "attachment; filename=\"signet-charges-" + month + ".csv\"")
          .body(ChargesCsv.of(charges).getBytes(StandardCharsets.UTF_8));
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("tenant", tenant);
    body.put("period", month.toString());
    body.put("as_of", now.toString());
    body.put("count", charges.size());
    ArrayNode rows = body.putArray("charges");
    for (ChargeRow c : charges) {
      ObjectNode row = rows.addObject();
      row.put("charge_id", c.chargeId());
      row.put("type", c.type());
      row.put("band", c.band());
      row.put("units", c.units());
      row.put("unit_price", c.unitPrice().toPlainString());
      row.put("amount", c.amount().toPlainString());
      row.put("currency", c.currency());
      row.put("used_before", c.usedBefore());
      row.put("used_after", c.usedAfter());
      row.put("window_start", c.windowStart().toString());
      row.put("window_end", c.windowEnd().toString());
      row.put("stripe_event_name", c.stripeEventName());
      row.put("charged_at", c.chargedAt().toString());
    }
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Json.toBytes(body));
  }

  private String caller(HttpServletRequest request) {
    return authenticator.authenticate(request, Scopes.BILLING_READ).tenant().tenant();
  }

  /** {@code YYYY-MM}; absent means the current UTC month. */
  static YearMonth period(String period, Instant now) {
    if (period == null) {
      return YearMonth.from(now.atZone(ZoneOffset.UTC));
    }
    if (!PERIOD.matcher(period).matches()) {
      throw new ApiException(
          ErrorCode.PERIOD_INVALID, "period must be YYYY-MM (a UTC calendar month)");
    }
    try {
      return YearMonth.parse(period);
    } catch (DateTimeParseException e) {
      throw new ApiException(ErrorCode.PERIOD_INVALID, "period must be YYYY-MM", e);
    }
  }

  /** CSV only when asked for by name, and not ranked below JSON; JSON otherwise. */
  static boolean wantsCsv(String accept) {
    if (accept == null || accept.isBlank()) {
      return false;
    }
    List<MediaType> types;
    try {
      types = MediaType.parseMediaTypes(accept);
    } catch (InvalidMediaTypeException e) {
      return false;
    }
    double csv = quality(types, "text", "csv");
    double json = quality(types, "application", "json");
    return csv > 0 && csv >= json;
  }

  private static double quality(List<MediaType> types, String type, String subtype) {
    double best = 0;
    for (MediaType t : types) {
      if (t.getType().equalsIgnoreCase(type) && t.getSubtype().equalsIgnoreCase(subtype)) {
        best = Math.max(best, t.getQualityValue());
      }
    }
    return best;
  }

  private static ApiException unavailable(SQLException e) {
    log.warn("billing tables unavailable: {}", e.toString());
    return new ApiException(
        ErrorCode.UNAVAILABLE, "the billing tables are unavailable; retry later", e);
  }
}
