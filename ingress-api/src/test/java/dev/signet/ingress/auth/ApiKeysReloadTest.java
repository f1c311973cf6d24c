package dev.signet.ingress.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;

import dev.signet.ingress.IngressApplication;
import dev.signet.ingress.exchange.ExchangeGateway;
import dev.signet.store.query.ReceiptQueries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

/**
 * Ingress with {@code SP_API_KEYS_FILE}: an edit of the file changes who gets in over HTTP, without
 * a restart. Kafka and PostgreSQL are mocks.
 */
@SpringBootTest(
    classes = IngressApplication.class,
    properties = {
      // 32 zero bytes, base64url: a valid Ed25519 seed for a test.
      "signet.private-key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "signet.kafka-bootstrap=127.0.0.1:1",
      "signet.postgres-url=jdbc:postgresql://127.0.0.1:1/unused",
      "signet.api-keys-reload-interval=50ms",
      "management.health.db.enabled=false"
    })
@AutoConfigureMockMvc
class ApiKeysReloadTest {

  private static final Path FILE = keysFile();

  @Autowired MockMvcTester mvc;
  @MockitoBean ExchangeGateway gateway;
  @MockitoBean ReceiptQueries queries;

  @MockitoBean(name = "receiptDataSource")
  DataSource dataSource;

  @DynamicPropertySource
  static void keysFromTheFile(DynamicPropertyRegistry registry) {
    registry.add("signet.api-keys-file", FILE::toString);
  }

  private static Path keysFile() {
    try {
      Path file = Files.createTempFile("api-keys-", ".json");
      Files.writeString(file, "{\"first_key\": {\"tenant\": \"acme\"}}");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int chainStatus(String apiKey) {
    return mvc.get()
        .uri("/v1/receipts/chain/t-1")
        .header("X-SIGNET-API-Key", apiKey)
        .exchange()
        .getResponse()
        .getStatus();
  }

  @Test
  void shouldLetInTheKeysOfTheEditedFileWithoutARestart() throws IOException {
    // Known key, no such trace: 404; unknown key: 401.
    assertThat(chainStatus("first_key")).isEqualTo(404);
    assertThat(chainStatus("second_key")).isEqualTo(401);

    Files.writeString(FILE, "{\"second_key\": {\"tenant\": \"beta\"}}");

    await().atMost(Duration.ofSeconds(10)).until(() -> chainStatus("second_key") == 404);
    assertThat(chainStatus("first_key")).isEqualTo(401);
    verify(queries).chainPage(eq("beta"), eq("t-1"), anyInt(), anyInt());

    Files.writeString(FILE, "{\"third_key\": ");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                mvc.get()
                    .uri("/metrics")
                    .exchange()
                    .getResponse()
                    .getContentAsString()
                    .contains(
                        "signet_api_keys_reload_total{result=\"failed\",service=\"ingress\"} 1.0"));
    assertThat(chainStatus("second_key")).isEqualTo(404);
  }
}
