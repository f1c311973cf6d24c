package dev.signet.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.admission.Admission;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.message.SignetHeaders;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.core.trace.TraceIds;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class RequestIntakeTest {

  private static final String WITH_TRACE =
      "{\"payload_type\":\"a\",\"target_type\":\"b\",\"payload\":{},\"trace_id\":\"t-1\"}";
  private static final String WITHOUT_TRACE =
      "{\"payload_type\":\"a\",\"target_type\":\"b\",\"payload\":{}}";

  private final TraceIds traceIds = new TraceIds(ExchangeTopologyTest.SECRET);
  private final ApiKeys apiKeys = ApiKeys.parse("{\"demo_key\":{\"tenant\":\"demo\"}}");
  private final RequestIntake intake =
      new RequestIntake(new Admission(Admission.Limits.defaults()), traceIds);

  private static Headers headers(String apiKey, String idempotencyKey) {
    Headers headers = new RecordHeaders();
    SignetHeaders.put(headers, SignetHeaders.API_KEY, apiKey);
    SignetHeaders.put(headers, SignetHeaders.IDEMPOTENCY_KEY, idempotencyKey);
    return headers;
  }

  private RequestIntake.Intake take(String key, String body, Headers headers) {
    return intake.take(apiKeys, key, body.getBytes(StandardCharsets.UTF_8), headers);
  }

  private static void assertRefused(RequestIntake.Intake taken, ErrorCode code, boolean poison) {
    assertThat(taken)
        .isInstanceOfSatisfying(
            RequestIntake.Refused.class,
            refused -> {
              assertThat(refused.code()).isEqualTo(code);
              assertThat(refused.poison()).isEqualTo(poison);
            });
  }

  @Test
  void shouldAdmitAnAuthenticatedRequestOnTheBodysTrace() {
    assertThat(take("t-1", WITH_TRACE, headers("demo_key", "k1")))
        .isInstanceOfSatisfying(
            RequestIntake.Ready.class,
            ready -> {
              assertThat(ready.tenant().tenant()).isEqualTo("demo");
              assertThat(ready.traceId()).isEqualTo("t-1");
              assertThat(ready.idempotencyKey()).isEqualTo("k1");
            });
  }

  @Test
  void shouldRefuseAMissingOrUnknownApiKeyWithoutParkingIt() {
    assertRefused(take("t-1", WITH_TRACE, headers(null, "k1")), ErrorCode.AUTH_MISSING, false);
    assertRefused(take("t-1", WITH_TRACE, headers("forged", "k1")), ErrorCode.AUTH_INVALID, false);
  }

  @Test
  void shouldParkARecordThatIsNotJson() {
    assertRefused(
        take("t-1", "not json", headers("demo_key", "k1")), ErrorCode.MALFORMED_REQUEST, true);
  }

  @Test
  void shouldParkARecordWithHugeHeaders() {
    Headers headers = headers("demo_key", "k1");
    headers.add("x-junk", new byte[RequestIntake.MAX_HEADER_BYTES + 1]);

    assertRefused(take("t-1", WITH_TRACE, headers), ErrorCode.MALFORMED_REQUEST, true);
  }

  @Test
  void shouldRefuseAKeyThatIsNotTheBodysTrace() {
    assertRefused(
        take("other", WITH_TRACE, headers("demo_key", "k1")), ErrorCode.TRACE_KEY_MISMATCH, false);
  }

  @Test
  void shouldUseTheKeyAsTraceWhenTheBodyHasNone() {
    assertThat(take("t-9", WITHOUT_TRACE, headers("demo_key", null)))
        .isInstanceOfSatisfying(
            RequestIntake.Ready.class, ready -> assertThat(ready.traceId()).isEqualTo("t-9"));
  }

  @Test
  void shouldDeriveTheTraceOfAKeylessRecordFromItsIdempotencyKey() {
    assertThat(take(null, WITHOUT_TRACE, headers("demo_key", "order-7")))
        .isInstanceOfSatisfying(
            RequestIntake.Ready.class,
            ready -> assertThat(ready.traceId()).isEqualTo(traceIds.derive("demo", "order-7")));
  }

  @Test
  void shouldRefuseARecordWithoutAnyWayToFindItsTrace() {
    assertRefused(
        take(null, WITHOUT_TRACE, headers("demo_key", null)), ErrorCode.TRACE_ID_MISSING, false);
  }

  @Test
  void shouldRefuseAnInvalidIdempotencyKey() {
    assertRefused(
        take("t-1", WITH_TRACE, headers("demo_key", "has space")),
        ErrorCode.IDEMPOTENCY_KEY_INVALID,
        false);
  }
}
