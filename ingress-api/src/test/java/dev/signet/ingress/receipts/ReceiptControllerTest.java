package dev.signet.ingress.receipts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.error.Problem;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.ExportBundle;
import dev.signet.core.receipt.Policy;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptIssuer;
import dev.signet.core.receipt.ReceiptTimestamps;
import dev.signet.core.tenant.ApiKeyTable;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.ingress.auth.Authenticator;
import dev.signet.ingress.body.BoundedBody;
import dev.signet.ingress.config.IngressProperties;
import dev.signet.ingress.config.TestIngressProperties;
import dev.signet.store.query.ChainPage;
import dev.signet.store.query.ReceiptQueries;
import dev.signet.store.query.ReceiptStoreException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

@WebMvcTest(ReceiptController.class)
@Import({Authenticator.class, BoundedBody.class, ReceiptControllerTest.Config.class})
class ReceiptControllerTest {

  private static final SigningKey ACTIVE = SigningKey.generate("active");
  private static final SigningKey RETIRED = SigningKey.generate("retired");
  private static final Instant START = Instant.parse("2025-01-27T12:00:00.123Z");
  private static final String TRACE = "t-1";

  @TestConfiguration
  static class Config {
    @Bean
    ApiKeyTable apiKeys() {
      return ApiKeyTable.fixed(ApiKeys.parse("{\"demo_key\":{\"tenant\":\"demo\"}}"));
    }

    @Bean
    IngressProperties ingressProperties() {
      return TestIngressProperties.withLimits(1024, 64);
    }

    @Bean
    SigningKey signingKey() {
      return ACTIVE;
    }

    @Bean
    Jwks jwks() {
      return Jwks.of(ACTIVE.publicKey(), List.of(RETIRED.publicKey()));
    }
  }

  @Autowired MockMvcTester mvc;
  @MockitoBean ReceiptQueries queries;

  private MvcTestResult get(String uri) {
    return mvc.get().uri(uri).header("X-SIGNET-API-Key", "demo_key").exchange();
  }

  private static JsonNode json(MvcTestResult result) {
    return Json.parse(result.getResponse().getContentAsByteArray());
  }

  private static void assertProblem(MvcTestResult result, ErrorCode code) {
    assertThat(result).hasStatus(code.status());
    assertThat(result.getResponse().getContentType()).isEqualTo(Problem.MEDIA_TYPE);
    assertThat(json(result).get("code").asText()).isEqualTo(code.name());
  }

  /**
   * Hops {@code hops} of one trace, each linked to the one before it in the list, signed with
   * {@code key}.
   */
  private static List<JsonNode> chain(SigningKey key, int... hops) {
    ReceiptIssuer issuer = new ReceiptIssuer(key);
    List<JsonNode> chain = new ArrayList<>();
    String prev = null;
    for (int hop : hops) {
      String canon = "{\"doc\":\"hop-" + hop + "\"}";
      Receipt receipt =
          issuer.seal(
              new Receipt(
                  TRACE,
                  hop,
                  ReceiptTimestamps.format(START.plusMillis(hop)),
                  "demo",
                  ReceiptIssuer.contentId(canon),
                  canon,
                  Receipt.ALGO,
                  hop == 1 ? null : prev,
                  Policy.allowed("allowlisted"),
                  "invoice",
                  "ledger",
                  null,
                  null,
                  null,
                  null,
                  null));
      chain.add(Json.tree(receipt));
      prev = receipt.receiptHash();
    }
    return chain;
  }

  private void stored(List<JsonNode> chain) {
    when(queries.chain("demo", TRACE)).thenReturn(Optional.of(chain));
    when(queries.conflictingHops(TRACE)).thenReturn(List.of());
  }

  @Test
  void shouldAnswerUnavailableWhileTheStoreCannotBeRead() {
    // As when ingress starts before the receipt store created its schema: ingress never migrates.
    when(queries.chainPage("demo", TRACE, 0, 100))
        .thenThrow(
            new ReceiptStoreException(
                "cannot read", new SQLException("relation \"receipts\" does not exist")));
    when(queries.chain("demo", TRACE))
        .thenThrow(
            new ReceiptStoreException("cannot read", new SQLException("connection refused")));

    assertProblem(get("/v1/receipts/chain/" + TRACE), ErrorCode.UNAVAILABLE);
    assertProblem(get("/v1/receipts/export/" + TRACE), ErrorCode.UNAVAILABLE);
  }

  @Test
  void shouldReadTheFirstPageWithTheDefaultLimit() {
    when(queries.chainPage("demo", TRACE, 0, 100))
        .thenReturn(Optional.of(new ChainPage(chain(ACTIVE, 1, 2), OptionalInt.empty())));

    MvcTestResult result = get("/v1/receipts/chain/" + TRACE);

    assertThat(result).hasStatusOk();
    assertThat(json(result).get("hops").asInt()).isEqualTo(2);
    assertThat(json(result).get("chain")).hasSize(2);
    assertThat(json(result).has("next_after_hop")).isFalse();
  }

  @Test
  void shouldPointAtTheNextPageWhileMoreHopsAreStored() {
    when(queries.chainPage("demo", TRACE, 2, 2))
        .thenReturn(Optional.of(new ChainPage(chain(ACTIVE, 1, 2), OptionalInt.of(4))));

    MvcTestResult result = get("/v1/receipts/chain/" + TRACE + "?after_hop=2&limit=2");

    assertThat(result).hasStatusOk();
    assertThat(json(result).get("next_after_hop").asInt()).isEqualTo(4);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "limit=1001",
    "limit=0",
    "limit=-5",
    "after_hop=-1",
    "limit=ten",
    "after_hop=x",
    "limit=99999999999"
  })
  void shouldRefusePagingParametersOutsideTheirRange(String query) {
    assertProblem(get("/v1/receipts/chain/" + TRACE + "?" + query), ErrorCode.MALFORMED_REQUEST);
    verify(queries, never()).chainPage(anyString(), anyString(), anyInt(), anyInt());
  }

  @Test
  void shouldAnswerNotFoundForATraceTheTenantDoesNotOwn() {
    when(queries.chainPage("demo", TRACE, 0, 100)).thenReturn(Optional.empty());

    assertProblem(get("/v1/receipts/chain/" + TRACE), ErrorCode.NOT_FOUND);
  }

  @Test
  void shouldSignAChainThatVerifies() {
    stored(chain(ACTIVE, 1, 2, 3));

    MvcTestResult result = get("/v1/receipts/export/" + TRACE);

    assertThat(result).hasStatusOk().hasHeader("X-ODIN-KID", "active");
    assertThat(ExportBundle.verify(json(result), Jwks.of(ACTIVE.publicKey(), List.of())).valid())
        .isTrue();
  }

  @Test
  void shouldSignAChainWhoseReceiptsARetiredKeySigned() {
    stored(chain(RETIRED, 1, 2));

    assertThat(get("/v1/receipts/export/" + TRACE)).hasStatusOk();
  }

  @Test
  void shouldRefuseToSignAChainWithAMissingHop() {
    stored(chain(ACTIVE, 1, 3));

    MvcTestResult result = get("/v1/receipts/export/" + TRACE);

    assertProblem(result, ErrorCode.CHAIN_UNVERIFIABLE);
    assertThat(json(result).get("check").asText()).isEqualTo("HOP_NOT_CONSECUTIVE");
    assertThat(json(result).get("index").asInt()).isEqualTo(1);
    assertThat(json(result).get("hop").asInt()).isEqualTo(3);
    assertThat(json(result).get("detail").asText()).contains("hop 3").contains("expected hop 2");
  }

  @Test
  void shouldRefuseToSignAChainWithATamperedReceipt() {
    List<JsonNode> chain = chain(ACTIVE, 1, 2, 3);
    ((ObjectNode) chain.get(1)).put("target_type", "elsewhere");
    stored(chain);

    MvcTestResult result = get("/v1/receipts/export/" + TRACE);

    assertProblem(result, ErrorCode.CHAIN_UNVERIFIABLE);
    assertThat(json(result).get("check").asText()).isEqualTo("RECEIPT_HASH_MISMATCH");
    assertThat(json(result).get("hop").asInt()).isEqualTo(2);
  }

  @Test
  void shouldRefuseToSignAChainSignedWithAKeyOutsideItsJwks() {
    stored(chain(SigningKey.generate("stranger"), 1, 2));

    MvcTestResult result = get("/v1/receipts/export/" + TRACE);

    assertProblem(result, ErrorCode.CHAIN_UNVERIFIABLE);
    assertThat(json(result).get("check").asText()).isEqualTo("KID_UNKNOWN");
  }

  @Test
  void shouldRefuseToSignATraceWithRecordedConflicts() {
    stored(chain(ACTIVE, 1, 2));
    when(queries.conflictingHops(TRACE)).thenReturn(List.of(2));

    MvcTestResult result = get("/v1/receipts/export/" + TRACE);

    assertProblem(result, ErrorCode.CHAIN_UNVERIFIABLE);
    assertThat(json(result).get("check").asText()).isEqualTo("CONFLICT_RECORDED");
    assertThat(json(result).get("conflicting_hops").get(0).asInt()).isEqualTo(2);
  }

  @Test
  void shouldRefuseToSignMoreReceiptsThanAChainMayHold() {
    List<JsonNode> tooMany = new ArrayList<>();
    for (int i = 0; i <= Receipt.MAX_HOPS; i++) {
      tooMany.add(Json.MAPPER.createObjectNode());
    }
    stored(tooMany);

    assertProblem(get("/v1/receipts/export/" + TRACE), ErrorCode.CHAIN_TOO_LONG);
  }

  @Test
  void shouldExportThroughThePostBundleEndpoint() {
    stored(chain(ACTIVE, 1));

    MvcTestResult result =
        mvc.post()
            .uri("/v1/export/bundle")
            .header("X-SIGNET-API-Key", "demo_key")
            .contentType(MediaType.APPLICATION_JSON)
            .content("{\"trace_id\":\"t-1\"}")
            .exchange();

    assertThat(result).hasStatusOk();
    assertThat(json(result).get("trace_id").asText()).isEqualTo(TRACE);
  }

  @Test
  void shouldRefuseAnOversizeExportRequest() {
    String big = "{\"trace_id\":\"" + "x".repeat(2000) + "\"}";

    MvcTestResult result =
        mvc.post()
            .uri("/v1/export/bundle")
            .header("X-SIGNET-API-Key", "demo_key")
            .contentType(MediaType.APPLICATION_JSON)
            .content(big)
            .exchange();

    assertProblem(result, ErrorCode.PAYLOAD_TOO_LARGE);
    verify(queries, never()).chain(anyString(), anyString());
  }

  @Test
  void shouldAuthenticateAnExportRequestBeforeItsBody() {
    String big = "{\"trace_id\":\"" + "x".repeat(2000) + "\"}";

    MvcTestResult result =
        mvc.post()
            .uri("/v1/export/bundle")
            .contentType(MediaType.APPLICATION_JSON)
            .content(big)
            .exchange();

    assertProblem(result, ErrorCode.AUTH_MISSING);
  }
}
