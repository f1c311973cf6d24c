package dev.signet.processor.egress;

import dev.signet.core.config.KafkaClientProperties;
import dev.signet.core.crypto.ForwardMacs;
import dev.signet.core.crypto.ServerSecret;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.message.ForwardOutcome;
import dev.signet.core.message.ForwardRequest;
import dev.signet.core.topic.Topics;
import dev.signet.processor.stage.Stage;
import dev.signet.processor.stage.StageRecords;
import dev.signet.processor.stage.StageWorker;
import dev.signet.processor.stage.StageWorkerSettings;
import dev.signet.shell.ConsumerLoop;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The forward worker: a {@link StageWorker} whose work is one forward per {@link ForwardRequest}.
 * It resolves the host once, classifies every answer ({@link EgressPolicy#resolve}: one non-global
 * address denies the whole set), and dials the address it checked, never resolving again, with TLS
 * verified for the host name ({@link PinnedForwarder}). The outcome — denied with its code, or what
 * the host answered, or why it did not — is recorded before the processor signs anything from it.
 *
 * <p>Delivery is at-least-once: a forward whose outcome was never recorded (the worker died in
 * between) is made again by the partition's next owner, with the same {@code X-Signet-Exchange-Id}
 * so the receiver can drop the repeat. At most {@code SP_HEL_PER_TENANT_CONCURRENCY} forwards of
 * one tenant and {@code SP_HEL_PER_HOST_CONCURRENCY} to one host at once, and a circuit breaker
 * after 5 consecutive failures of a host (open 30 s), so one slow or dead host, or one busy tenant,
 * holds a bounded share of the pool. Meters: {@code signet_forward_total{host,outcome}}, {@code
 * signet_denied_total{reason}}, {@code signet_forward_seconds}, and the stage worker's {@code
 * signet_forward_calls_total{result}} and friends.
 */
public final class ForwardWorker implements Stage<ForwardRequest, ForwardOutcome> {

  public static final String DEFAULT_GROUP_ID = "signet-forward-worker";
  static final int FAILURES_TO_OPEN = 5;
  static final Duration OPEN_FOR = Duration.ofSeconds(30);

  private final HostResolver resolver;
  private final Forwarder forwarder;
  private final StageRecords<ForwardRequest, ForwardOutcome> records;
  private final EgressSettings settings;
  private final HostGate gate;
  private final ForwardMeters meters;
  private final Clock clock;

  ForwardWorker(
      HostResolver resolver,
      Forwarder forwarder,
      ForwardMacs macs,
      EgressSettings settings,
      MeterRegistry registry,
      Clock clock) {
    this.resolver = resolver;
    this.forwarder = forwarder;
    this.records =
        new StageRecords<>(
            "forward",
            Topics.EXCHANGE_FORWARD_REQUESTS,
            Topics.EXCHANGE_FORWARD_OUTCOMES,
            macs.request(),
            macs.outcome(),
            ForwardRequest::forwardId,
            ForwardRequest::traceId,
            ForwardOutcome::forwardId);
    this.settings = settings;
    this.gate =
        new HostGate(
            settings.perHostConcurrency(),
            settings.perTenantConcurrency(),
            FAILURES_TO_OPEN,
            OPEN_FOR,
            clock);
    this.meters = new ForwardMeters(registry);
    this.clock = clock;
  }

  /** The worker's loop over the system resolver and a real forwarder, not started. */
  public static ConsumerLoop create(
      String bootstrapServers,
      KafkaClientProperties kafkaClient,
      String instanceId,
      ServerSecret serverSecret,
      EgressSettings settings,
      MeterRegistry meters) {
    return create(
        bootstrapServers,
        kafkaClient,
        instanceId,
        serverSecret,
        settings,
        new SystemHostResolver(),
        PinnedForwarder.create(ForwarderSettings.of(settings)),
        meters,
        Topics.EXCHANGE_FORWARD_REQUESTS.name(),
        Topics.EXCHANGE_FORWARD_OUTCOMES.name());
  }

  /** As above, with the resolver, forwarder and topics given (tests). */
  static ConsumerLoop create(
      String bootstrapServers,
      KafkaClientProperties kafkaClient,
      String instanceId,
      ServerSecret serverSecret,
      EgressSettings settings,
      HostResolver resolver,
      Forwarder forwarder,
      MeterRegistry meters,
      String requestsTopic,
      String outcomesTopic) {
    return StageWorker.create(
        bootstrapServers,
        kafkaClient,
        DEFAULT_GROUP_ID,
        instanceId,
        new ForwardWorker(
            resolver, forwarder, ForwardMacs.of(serverSecret), settings, meters, Clock.systemUTC()),
        StageWorkerSettings.defaults().withConcurrency(settings.concurrency()),
        meters,
        requestsTopic,
        outcomesTopic);
  }

  @Override
  public StageRecords<ForwardRequest, ForwardOutcome> records() {
    return records;
  }

  @Override
  public ForwardOutcome answer(ForwardRequest request) {
    long start = System.nanoTime();
    EgressTarget target;
    try {
      target =
          new EgressTarget(
              request.scheme(),
              request.host(),
              // An IP literal's text: parsed, never looked up.
              request.ipLiteral() ? InetAddress.getByName(request.host()) : null,
              request.port(),
              request.pathAndQuery(),
              request.developmentLoopback());
    } catch (UnknownHostException | IllegalArgumentException e) {
      return denied(request, new Denied(ErrorCode.HEL_URL_INVALID, e.getMessage()), start);
    }
    Resolution resolution = EgressPolicy.resolve(target, resolver);
    if (resolution instanceof Denied denied) {
      return denied(request, denied, start);
    }
    InetAddress pinned = ((Resolution.Allowed) resolution).pinned();
    HostGate.Closed closed = gate.enter(request.tenant(), target.host(), settings.totalTimeout());
    if (closed != null) {
      String error =
          closed == HostGate.Closed.BUSY
              ? "FORWARD_BUSY: no free slot for the tenant or the host within the total timeout"
              : "FORWARD_CIRCUIT_OPEN: the host failed "
                  + FAILURES_TO_OPEN
                  + " times in a row; not dialled for "
                  + OPEN_FOR;
      return done(request, ForwardOutcome.Status.FAILED, pinned, null, error, start);
    }
    ForwardResult result;
    boolean healthy = false;
    try {
      result =
          forwarder.forward(
              new PinnedTarget(
                  request.url(), target.host(), target.port(), target.pathAndQuery(), pinned),
              request.canon().getBytes(StandardCharsets.UTF_8),
              Map.of(
                  "X-Signet-Cid", request.cid(),
                  "X-Signet-Trace", request.traceId(),
                  "X-Signet-Exchange-Id", request.exchangeId()));
      healthy = result.statusCode() > 0 && result.statusCode() < 500;
    } finally {
      gate.release(request.tenant(), target.host(), healthy);
    }
    ForwardOutcome.Status status =
        result.statusCode() > 0 ? ForwardOutcome.Status.FORWARDED : ForwardOutcome.Status.FAILED;
    return done(request, status, pinned, result, result.error(), start);
  }

  private ForwardOutcome denied(ForwardRequest request, Denied denied, long start) {
    meters.denied(denied.code().name());
    return new ForwardOutcome(
        request.forwardId(),
        request.traceId(),
        request.tenant(),
        ForwardOutcome.Status.DENIED,
        denied.code().name(),
        denied.detail(),
        request.url(),
        request.host(),
        null,
        null,
        null,
        null,
        null,
        elapsedMs(start),
        clock.instant().toString());
  }

  private ForwardOutcome done(
      ForwardRequest request,
      ForwardOutcome.Status status,
      InetAddress pinned,
      ForwardResult result,
      String error,
      long start) {
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    meters.forwarded(request.host(), outcomeTag(status, result), took);
    return new ForwardOutcome(
        request.forwardId(),
        request.traceId(),
        request.tenant(),
        status,
        null,
        null,
        request.url(),
        request.host(),
        pinned.getHostAddress(),
        result == null || result.statusCode() == 0 ? null : result.statusCode(),
        result == null ? null : result.responseSize(),
        result == null ? null : result.responseCid(),
        error,
        took.toMillis(),
        clock.instant().toString());
  }

  private static String outcomeTag(ForwardOutcome.Status status, ForwardResult result) {
    if (status == ForwardOutcome.Status.FAILED) {
      return "failed";
    }
    return result.statusCode() < 400 ? "ok" : (result.statusCode() < 500 ? "4xx" : "5xx");
  }

  private static long elapsedMs(long start) {
    return Duration.ofNanos(System.nanoTime() - start).toMillis();
  }

  @Override
  public ForwardOutcome failedBy(ForwardRequest request, Throwable bug) {
    return new ForwardOutcome(
        request.forwardId(),
        request.traceId(),
        request.tenant(),
        ForwardOutcome.Status.FAILED,
        null,
        null,
        request.url(),
        request.host(),
        null,
        null,
        null,
        null,
        "FORWARD_INTERNAL: " + bug,
        0,
        clock.instant().toString());
  }

  @Override
  public String result(ForwardOutcome outcome) {
    return outcome.status().name().toLowerCase(Locale.ROOT);
  }

  @Override
  public List<String> results() {
    return List.of("denied", "forwarded", "failed");
  }

  @Override
  public void close() {
    forwarder.close();
  }
}
