package dev.signet.ingress.health;

import dev.signet.core.tenant.ApiKeys;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts {@link AdminHealthDetails} in front of {@code /healthz} and its groups only; the API's own
 * paths authenticate in their controllers.
 */
@Configuration(proxyBeanMethods = false)
class HealthConfiguration {

  @Bean
  FilterRegistrationBean<AdminHealthDetails> adminHealthDetails(ApiKeys apiKeys) {
    FilterRegistrationBean<AdminHealthDetails> registration =
        new FilterRegistrationBean<>(new AdminHealthDetails(apiKeys));
    registration.addUrlPatterns("/healthz", "/healthz/*");
    return registration;
  }
}
