package dev.signet.ingress;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The public HTTP front of Signet. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class IngressApplication {

  public static void main(String[] args) {
    SpringApplication.run(IngressApplication.class, args);
  }
}
