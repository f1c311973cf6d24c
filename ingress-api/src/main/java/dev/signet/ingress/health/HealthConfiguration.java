package dev.signet.ingress.health;

import dev.signet.core.tenant.ApiKeyTable;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * Puts {@link AdminHealthDetails} in front of {@code /healthz} and its groups only; the API's own
 * paths authenticate in their controllers. A management context configuration, so that the filter
 * sits where the health endpoint is served: in the application's context by default, in the
 * management context when {@code SP_MANAGEMENT_PORT} gives health and metrics a port of their own
 * (a filter of the application's context never sees that port's requests).
 */
@ManagementContextConfiguration(proxyBeanMethods = false)
class HealthConfiguration {

  @Bean
  FilterRegistrationBean<AdminHealthDetails> adminHealthDetails(ApiKeyTable apiKeys) {
    FilterRegistrationBean<AdminHealthDetails> registration =
        new FilterRegistrationBean<>(new AdminHealthDetails(apiKeys));
    registration.addUrlPatterns("/healthz", "/healthz/*");
    return registration;
  }
}
