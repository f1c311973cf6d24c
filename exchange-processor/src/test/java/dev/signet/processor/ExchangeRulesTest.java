package dev.signet.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.admission.Admission;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Json;
import dev.signet.core.message.ExchangeRequest;
import dev.signet.core.receipt.ReceiptIssuer;
import dev.signet.core.receipt.ReceiptVerifier;
import dev.signet.core.tenant.Tenant;
import dev.signet.processor.chain.ChainHead;
import dev.signet.processor.transform.Transformations;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExchangeRulesTest {

  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  private final SigningKey key = SigningKey.generate("test-kid");
  private final ExchangeRules rules =
      new ExchangeRules(
          Transformations.standard(new Admission(Admission.Limits.defaults())),
          new ReceiptIssuer(key));

  private static ExchangeRequest request(String forwardUrl) {
    ObjectNode payload =
        (ObjectNode)
            Json.parse(
                "{\"Document\":{\"Invoice\":{\"Id\":\"INV-9\",\"TotalMinor\":100,\"Currency\":\"EUR\","
                    + "\"Party\":{\"Name\":\"ACME\"}}}}");
    return new ExchangeRequest(
        "invoice.iso20022.v1", "invoice.iso20022.v1", payload, "t-1", forwardUrl, null);
  }

  private ExchangeRules.Decision handle(ExchangeRequest request, ChainHead head) {
    return rules.handle(Tenant.named("demo"), "t-1", request, head, NOW);
  }

  private static void assertRefused(ExchangeRules.Decision decision, ErrorCode code) {
    assertThat(decision)
        .isInstanceOfSatisfying(
            ExchangeRules.Refused.class,
            refused -> {
              assertThat(refused.result().code()).isEqualTo(code.name());
              assertThat(refused.result().status()).isEqualTo(code.status());
              assertThat(refused.result().body().tree().get("trace_id").asText()).isEqualTo("t-1");
            });
  }

  @Test
  void shouldIssueAVerifiableFirstReceiptAndTheHeadAfterIt() {
    ExchangeRules.Issued issued = (ExchangeRules.Issued) handle(request(null), null);

    assertThat(issued.receipt().receipt().hop()).isEqualTo(1);
    assertThat(issued.newHead())
        .isEqualTo(
            new ChainHead(
                "demo",
                1,
                issued.receipt().receipt().receiptHash(),
                issued.receipt().receipt().ts()));
    Jwks jwks = Jwks.of(key.publicKey(), List.of());
    assertThat(ReceiptVerifier.withKeys(jwks).verifyReceipt(issued.receipt().json().tree()).valid())
        .isTrue();
  }

  @Test
  void shouldEmbedTheReceiptsOwnBytesInTheResult() {
    ExchangeRules.Issued issued = (ExchangeRules.Issued) handle(request(null), null);

    String body = new String(issued.result().body().bytes(), StandardCharsets.UTF_8);
    String receipt = new String(issued.receipt().json().bytes(), StandardCharsets.UTF_8);
    assertThat(body)
        .startsWith("{\"trace_id\":\"t-1\",\"normalized\":{")
        .endsWith(",\"receipt\":" + receipt + "}");
    assertThat(issued.result().traceId()).isEqualTo("t-1");
    assertThat(issued.result().idempotencyHit()).isFalse();
  }

  @Test
  void shouldRefuseARequestWithoutItsTypesOrPayload() {
    assertRefused(
        handle(new ExchangeRequest(null, "invoice.iso20022.v1", null, "t-1", null, null), null),
        ErrorCode.MALFORMED_REQUEST);
  }

  @Test
  void shouldRefuseAForwardToAHostNoAllowListHolds() {
    assertRefused(
        handle(request("https://example.com/hook"), null), ErrorCode.HEL_HOST_NOT_ALLOWED);
    assertRefused(
        handle(request("http://partner.example/hook"), null), ErrorCode.HEL_SCHEME_NOT_HTTPS);
  }

  @Test
  void shouldAskToForwardToATenantsAllowListedHostWithTheCanonicalBody() {
    Tenant tenant =
        new Tenant("demo", List.of("*.example.com"), false, null, null, null, null, List.of());

    ExchangeRules.Decision decision =
        rules.handle(tenant, "t-1", request("https://Hooks.Example.com./in?x=1"), null, NOW);

    assertThat(decision)
        .isInstanceOfSatisfying(
            ExchangeRules.AskForward.class,
            ask -> {
              assertThat(ask.target().host()).isEqualTo("hooks.example.com");
              assertThat(ask.target().url()).isEqualTo("https://hooks.example.com/in?x=1");
              assertThat(ask.canon()).startsWith("{\"Document\":");
              assertThat(ask.fuTokens()).isNull();
            });
  }

  @Test
  void shouldNotForwardAHopThatCannotChain() {
    Tenant tenant =
        new Tenant("demo", List.of("hooks.example.com"), false, null, null, null, null, List.of());
    ExchangeRequest conflicting =
        new ExchangeRequest(
            "invoice.iso20022.v1",
            "invoice.iso20022.v1",
            request(null).payload(),
            "t-1",
            "https://hooks.example.com/in",
            "sha256:" + "0".repeat(64));

    assertRefused(rules.handle(tenant, "t-1", conflicting, null, NOW), ErrorCode.CHAIN_CONFLICT);
  }

  @Test
  void shouldRefuseWhatTheChainRulesRefuse() {
    assertRefused(
        handle(request(null), new ChainHead("other", 1, "sha256:aa", "2026-11-25T09:00:00.000Z")),
        ErrorCode.TRACE_FORBIDDEN);
  }

  @Test
  void shouldRefuseWhatTheTransformationRefuses() {
    ExchangeRequest unsupported =
        new ExchangeRequest(
            "invoice.iso20022.v1", "edi.x12.v1", request(null).payload(), "t-1", null, null);

    ExchangeRules.Decision decision = handle(unsupported, null);

    assertRefused(decision, ErrorCode.UNSUPPORTED_MAPPING);
    assertThat(((ExchangeRules.Refused) decision).result().body().tree().get("supported"))
        .extracting(
            pair -> pair.get("payload_type").asText() + "->" + pair.get("target_type").asText())
        .containsExactly(
            "openai.tooluse.invoice.v1->invoice.iso20022.v1",
            "invoice.iso20022.v1->invoice.iso20022.v1");
  }
}
