package dev.signet.core.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.core.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AdmissionTest {

  private final Admission admission = new Admission(new Admission.Limits(4096, 16));

  private static final String VALID =
      "{\"trace_id\":\"t-1\",\"payload_type\":\"a\",\"target_type\":\"b\",\"payload\":{\"amount\":123.45,\"n\":9007199254740992}}";

  @Test
  void shouldAdmitAWellFormedRequestAndParseItOnce() {
    Admission.Outcome outcome = admission.admit(bytes(VALID));

    assertThat(outcome).isInstanceOf(Admission.Admitted.class);
    Admission.Admitted admitted = (Admission.Admitted) outcome;
    assertThat(admitted.request().traceId()).isEqualTo("t-1");
    assertThat(admitted.request().payload().get("n").longValue()).isEqualTo(9007199254740992L);
  }

  static Stream<Arguments> refusedBodies() {
    String deep = "{\"payload\":" + "[".repeat(20) + "]".repeat(20) + "}";
    return Stream.of(
        Arguments.of("empty body", "", ErrorCode.MALFORMED_REQUEST),
        Arguments.of("not JSON", "hello", ErrorCode.MALFORMED_REQUEST),
        Arguments.of("not an object", "[1,2]", ErrorCode.MALFORMED_REQUEST),
        Arguments.of(
            "duplicate member names",
            "{\"trace_id\":\"a\",\"trace_id\":\"b\"}",
            ErrorCode.MALFORMED_REQUEST),
        Arguments.of(
            "duplicate nested member names",
            "{\"payload\":{\"amount\":1,\"amount\":2}}",
            ErrorCode.MALFORMED_REQUEST),
        Arguments.of("trailing content", "{\"payload\":{}} {\"x\":1}", ErrorCode.MALFORMED_REQUEST),
        Arguments.of("trailing garbage", "{\"payload\":{}}x", ErrorCode.MALFORMED_REQUEST),
        Arguments.of("nested too deep", deep, ErrorCode.PAYLOAD_TOO_LARGE),
        Arguments.of(
            "integer beyond 2^53",
            "{\"payload\":{\"n\":9007199254740993}}",
            ErrorCode.NUMBER_OUT_OF_RANGE),
        Arguments.of(
            "integer beyond 64 bits",
            "{\"payload\":{\"TotalMinor\":-18446744073709551615}}",
            ErrorCode.NUMBER_OUT_OF_RANGE),
        Arguments.of(
            "decimal with more precision than a double",
            "{\"payload\":{\"x\":0.1000000000000000055511151231257827}}",
            ErrorCode.NUMBER_OUT_OF_RANGE),
        Arguments.of(
            "decimal beyond double range",
            "{\"payload\":{\"x\":1e400}}",
            ErrorCode.NUMBER_OUT_OF_RANGE),
        Arguments.of(
            "decimal below double range",
            "{\"payload\":{\"x\":1e-400}}",
            ErrorCode.NUMBER_OUT_OF_RANGE),
        Arguments.of(
            "trace id that is a number",
            "{\"trace_id\":12,\"payload\":{}}",
            ErrorCode.MALFORMED_REQUEST),
        Arguments.of(
            "trace id with NUL",
            "{\"trace_id\":\"a\\u0000b\",\"payload\":{}}",
            ErrorCode.TRACE_ID_INVALID),
        Arguments.of(
            "trace id with a slash",
            "{\"trace_id\":\"a/b\",\"payload\":{}}",
            ErrorCode.TRACE_ID_INVALID),
        Arguments.of(
            "overlong trace id",
            "{\"trace_id\":\"" + "a".repeat(129) + "\",\"payload\":{}}",
            ErrorCode.TRACE_ID_INVALID),
        Arguments.of("invalid UTF-8", "{\"payload\":\"\u00ff\"}", ErrorCode.MALFORMED_REQUEST));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedBodies")
  void shouldRefuseWithAStableCode(String name, String body, ErrorCode expected) {
    byte[] raw =
        name.equals("invalid UTF-8")
            ? new byte[] {'{', '"', 'p', '"', ':', '"', (byte) 0xC3, '"', '}'}
            : bytes(body);

    Admission.Outcome outcome = admission.admit(raw);

    assertThat(outcome).isInstanceOf(Admission.Refused.class);
    assertThat(((Admission.Refused) outcome).code()).isEqualTo(expected);
  }

  @Test
  void shouldRefuseABodyOverTheSizeLimitWithoutParsingIt() {
    byte[] big = bytes("{\"payload\":\"" + "x".repeat(5000) + "\"}");

    Admission.Outcome outcome = admission.admit(big);

    assertThat(((Admission.Refused) outcome).code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
  }

  @Test
  void shouldAdmitNestingUpToTheLimit() {
    // The envelope object is level 1, so 15 arrays make 16 levels.
    String atLimit = "{\"payload\":" + "[".repeat(15) + "]".repeat(15) + "}";

    assertThat(admission.admit(bytes(atLimit))).isInstanceOf(Admission.Admitted.class);
  }

  @Test
  void shouldAcceptTraceIdsOfTheAllowedAlphabetUpToTheirLength() {
    assertThat(Admission.checkTraceId("Abc-09_:." + "z".repeat(119))).isEmpty();
    assertThat(Admission.checkTraceId("")).isPresent();
  }

  @Test
  void shouldRefuseIdempotencyKeysWithControlOrNonAsciiCharactersOrTooLong() {
    assertThat(Admission.checkIdempotencyKey("order-42")).isEmpty();
    assertThat(Admission.checkIdempotencyKey("a b"))
        .get()
        .extracting(Admission.Refused::code)
        .isEqualTo(ErrorCode.IDEMPOTENCY_KEY_INVALID);
    assertThat(Admission.checkIdempotencyKey("é")).isPresent();
    assertThat(Admission.checkIdempotencyKey("k".repeat(256))).isPresent();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
