package dev.signet.ingress.config;

import java.time.Duration;

/** Ingress settings for slice tests: nothing is reachable, only the limits matter. */
public final class TestIngressProperties {

  private TestIngressProperties() {}

  public static IngressProperties withLimits(int maxBodyBytes, int maxJsonDepth) {
    return new IngressProperties(
        "127.0.0.1:1",
        "jdbc:postgresql://127.0.0.1:1/x",
        "u",
        "p",
        "{}",
        "",
        Duration.ofSeconds(5),
        "seed",
        "kid",
        "",
        Duration.ofSeconds(1),
        maxBodyBytes,
        maxJsonDepth,
        "",
        0,
        "",
        "");
  }
}
