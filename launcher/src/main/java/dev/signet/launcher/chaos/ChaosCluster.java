package dev.signet.launcher.chaos;

import dev.signet.cli.topics.TopicApplier;
import dev.signet.cli.topics.TopicLayout;
import dev.signet.cli.topics.TopicSpec;
import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.crypto.Base64Url;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.crypto.SigningKey;
import dev.signet.launcher.chaos.FaultPlan.Target;
import dev.signet.launcher.local.LocalPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;

/**
 * The pipeline of a chaos run, every part in its own process: broker, PostgreSQL, receipt store,
 * billing, two processors and ingress, with their data and logs under the run directory. A
 * supervisor restarts whatever exits without being told to, as compose or Kubernetes would.
 */
final class ChaosCluster implements AutoCloseable {

  static final int PARTITIONS = 4;
  static final Map<String, String> API_KEYS =
      Map.of("chaos_acme_key", "acme", "chaos_globex_key", "globex");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

  private final Path runDir;
  private final SigningKey signingKey = SigningKey.generate("chaos-1");
  private final int kafkaPort = freePort();
  private final int postgresPort = freePort();
  private final int httpPort = freePort();
  private final Map<Target, ChildJvm> children = new EnumMap<>(Target.class);
  private final Map<Target, Map<String, String>> extraEnv;
  private final Map<Target, Integer> metricsPorts = new EnumMap<>(Target.class);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final AtomicInteger unplannedRestarts = new AtomicInteger();
  private final Thread supervisor;
  private volatile boolean closing;

  /**
   * @param extraEnv more environment per service, on top of what every service gets (the Stripe
   *     stand-in and reserved capacity for billing, the forward target for the processors)
   */
  ChaosCluster(Path runDir, Map<Target, Map<String, String>> extraEnv) {
    this.runDir = runDir;
    this.extraEnv = Map.copyOf(extraEnv);
    Path logs = directory("logs");
    children.put(
        Target.BROKER,
        new ChildJvm(
            "broker",
            List.of(
                "chaos-broker",
                directory("kafka").toString(),
                Integer.toString(kafkaPort),
                Integer.toString(freePort())),
            Map.of(),
            logs));
    children.put(
        Target.POSTGRES,
        new ChildJvm(
            "postgres",
            List.of(
                "chaos-postgres", directory("postgres").toString(), Integer.toString(postgresPort)),
            Map.of(),
            logs));
    service(Target.RECEIPT_STORE, "receipt-store", Map.of("SP_INSTANCE_ID", "store-1"), logs);
    service(
        Target.BILLING,
        "billing",
        Map.of(
            "SP_STATE_DIR", directory("state/billing").toString(), "SP_INSTANCE_ID", "billing-1"),
        logs);
    for (Target processor : List.of(Target.PROCESSOR_1, Target.PROCESSOR_2)) {
      service(
          processor,
          "processor",
          Map.of(
              "SP_STATE_DIR",
              directory("state/" + processor.label()).toString(),
              "SP_INSTANCE_ID",
              processor.label(),
              "SP_STREAM_THREADS",
              "1"),
          logs);
    }
    service(Target.INGRESS, "ingress", Map.of("PORT", Integer.toString(httpPort)), logs);
    supervisor = new Thread(this::supervise, "chaos-supervisor");
    supervisor.setDaemon(true);
  }

  private void service(Target target, String command, Map<String, String> extra, Path logs) {
    int metricsPort = freePort();
    metricsPorts.put(target, metricsPort);
    Map<String, String> env = new HashMap<>(commonEnv());
    env.put("SP_METRICS_PORT", Integer.toString(metricsPort));
    env.putAll(extra);
    env.putAll(extraEnv.getOrDefault(target, Map.of()));
    children.put(target, new ChildJvm(target.label(), List.of(command), env, logs));
  }

  private Map<String, String> commonEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("SP_KAFKA_BOOTSTRAP", kafkaBootstrap());
    env.put("SP_POSTGRES_URL", jdbcUrl());
    env.put("SP_POSTGRES_USER", "postgres");
    env.put("SP_POSTGRES_PASSWORD", "postgres");
    env.put("SP_API_KEYS", apiKeysJson());
    env.put("SP_PRIVATE_KEY_B64", Base64Url.encode(signingKey.seed()));
    env.put("SP_KID", signingKey.kid());
    env.put(ServerSecret.ENV, serverSecret);
    env.put("SP_REPLICATION_FACTOR", "1");
    return env;
  }

  // One secret for every service: the store and billing check the processor's MACs with it.
  private final String serverSecret = newServerSecret();

  private static String newServerSecret() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return Base64.getEncoder().encodeToString(secret);
  }

  static String apiKeysJson() {
    StringBuilder json = new StringBuilder("{");
    API_KEYS.forEach(
        (key, tenant) -> {
          if (json.length() > 1) {
            json.append(',');
          }
          json.append('"')
              .append(key)
              .append("\":{\"tenant\":\"")
              .append(tenant)
              .append("\",\"stripe_customer\":\"")
              .append(stripeCustomer(tenant))
              .append("\"}");
        });
    return json.append('}').toString();
  }

  /** The Stripe customer billing pushes a tenant's meter events for. */
  static String stripeCustomer(String tenant) {
    return "cus_chaos_" + tenant;
  }

  /** Starts everything in dependency order and returns once each part is ready. */
  void start() {
    for (Target target :
        List.of(
            Target.BROKER,
            Target.POSTGRES,
            Target.RECEIPT_STORE,
            Target.BILLING,
            Target.PROCESSOR_1,
            Target.PROCESSOR_2,
            Target.INGRESS)) {
      children.get(target).start();
      awaitReady(target);
      if (target == Target.BROKER) {
        try (Admin admin =
            TopicApplier.connect(kafkaBootstrap(), KafkaClientProperties.none(), "chaos-topics")) {
          new TopicApplier(admin)
              .apply(
                  TopicSpec.all(new TopicLayout(PARTITIONS, (short) 1, OptionalInt.empty())),
                  false);
        }
      }
    }
    supervisor.start();
  }

  ChildJvm child(Target target) {
    return children.get(target);
  }

  /** Waits until {@code target} serves: the broker has a node, PostgreSQL takes a query, … */
  void awaitReady(Target target) {
    BooleanSupplier ready =
        switch (target) {
          case BROKER -> this::brokerServes;
          case POSTGRES -> this::postgresServes;
          case INGRESS -> () -> httpOk("http://127.0.0.1:" + httpPort + "/.well-known/jwks.json");
          default ->
              () -> httpOk("http://127.0.0.1:" + metricsPorts.get(target) + "/healthz/ready");
        };
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (!ready.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            target.label()
                + " not ready within "
                + READY_TIMEOUT.toSeconds()
                + " s; see "
                + runDir.resolve("logs"));
      }
      sleep(Duration.ofMillis(250));
    }
  }

  private boolean brokerServes() {
    try (Admin admin =
        TopicApplier.connect(kafkaBootstrap(), KafkaClientProperties.none(), "chaos-ready")) {
      return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  private boolean postgresServes() {
    try (Connection c = openDatabase()) {
      return c.isValid(2);
    } catch (Exception e) {
      return false;
    }
  }

  Connection openDatabase() throws java.sql.SQLException {
    return DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
  }

  private boolean httpOk(String url) {
    try {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Restarts, after a short pause, whatever exited without being killed or stopped by the run. */
  private void supervise() {
    while (!closing) {
      sleep(Duration.ofSeconds(1));
      for (ChildJvm child : children.values()) {
        if (!closing && child.exitedOnItsOwn()) {
          unplannedRestarts.incrementAndGet();
          System.out.printf(
              "chaos: %s exited on its own (code %d); restarting it%n",
              child.name(), child.exitCode());
          sleep(Duration.ofSeconds(2));
          child.start();
        }
      }
    }
  }

  int unplannedRestarts() {
    return unplannedRestarts.get();
  }

  String kafkaBootstrap() {
    return "127.0.0.1:" + kafkaPort;
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + postgresPort + "/" + LocalPostgres.DATABASE;
  }

  /** Ingress's base URL, as a tenant's CLI is pointed at it. */
  String ingressBase() {
    return "http://127.0.0.1:" + httpPort;
  }

  Path runDir() {
    return runDir;
  }

  URI exchangeUri() {
    return URI.create("http://127.0.0.1:" + httpPort + "/v1/exchange");
  }

  Jwks jwks() {
    return Jwks.of(signingKey.publicKey(), List.of());
  }

  String serverSecret() {
    return serverSecret;
  }

  /** Stops the services first, then PostgreSQL and the broker, each with SIGTERM. */
  @Override
  public synchronized void close() {
    closing = true;
    List.of(
            Target.INGRESS,
            Target.PROCESSOR_1,
            Target.PROCESSOR_2,
            Target.BILLING,
            Target.RECEIPT_STORE,
            Target.POSTGRES,
            Target.BROKER)
        .forEach(target -> children.get(target).stop());
  }

  private Path directory(String relative) {
    try {
      return Files.createDirectories(runDir.resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + runDir.resolve(relative), e);
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }
}
