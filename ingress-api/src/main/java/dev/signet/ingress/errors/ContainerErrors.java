package dev.signet.ingress.errors;

import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Makes {@link ProblemErrorReportValve} Tomcat's only error report valve. Runs last, so that it
 * replaces the one Spring Boot configures, and names its class on the host, so that Tomcat adds no
 * default one at start.
 */
@Component
class ContainerErrors
    implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

  @Override
  public void customize(ConfigurableTomcatWebServerFactory factory) {
    factory.addContextCustomizers(
        context -> {
          if (context.getParent() instanceof StandardHost host) {
            for (Valve valve : host.getPipeline().getValves()) {
              if (valve instanceof ErrorReportValve) {
                host.getPipeline().removeValve(valve);
              }
            }
            host.getPipeline().addValve(new ProblemErrorReportValve());
            host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
          }
        });
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
