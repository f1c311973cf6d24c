package dev.signet.ingress.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.signet.core.billing.reserved.ReservedConfigPublisher;
import dev.signet.core.json.Json;
import dev.signet.core.tenant.ApiKeyTable;
import dev.signet.core.tenant.ApiKeys;
import dev.signet.ingress.auth.Authenticator;
import dev.signet.ingress.config.IngressProperties;
import dev.signet.ingress.config.TestIngressProperties;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/** The reload endpoint on an ingress without {@code SP_RESERVED_CONFIG}. */
@WebMvcTest(ReservedConfigController.class)
@Import({Authenticator.class, ReservedConfigControllerTest.Config.class})
class ReservedConfigControllerTest {

  @TestConfiguration
  static class Config {
    @Bean
    ApiKeyTable apiKeys() {
      return ApiKeyTable.fixed(
          ApiKeys.parse("{\"admin_key\":{\"tenant\":\"ops\",\"scopes\":[\"admin\"]}}"));
    }

    @Bean
    IngressProperties ingressProperties() {
      return TestIngressProperties.withLimits(1024, 64);
    }
  }

  @Autowired MockMvcTester mvc;
  @MockitoBean ReservedConfigPublisher publisher;

  @Test
  void shouldAnswer409WhenNoFileIsConfigured() {
    MvcTestResult result =
        mvc.post()
            .uri("/v1/admin/reload-reserved")
            .header("X-SIGNET-API-Key", "admin_key")
            .exchange();

    assertThat(result).hasStatus(409);
    assertThat(Json.parse(result.getResponse().getContentAsByteArray()).get("code").asText())
        .isEqualTo("RESERVED_CONFIG_UNSET");
    verify(publisher, never()).publish(any(Path.class), anyString());
  }
}
