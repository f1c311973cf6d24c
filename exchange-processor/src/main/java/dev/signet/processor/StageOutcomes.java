package dev.signet.processor;

import dev.signet.core.crypto.RecordMac;
import dev.signet.core.json.Json;
import dev.signet.core.message.ForwardOutcome;
import dev.signet.core.message.RepairOutcome;
import dev.signet.core.message.SignetHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the slow stages' recorded outcomes: only a record carrying its stage worker's MAC over its
 * exact bytes is read; anything else (forged, unreadable, an unknown stage) is logged, counted in
 * {@code signet_<stage>_outcomes_refused_total} and dropped, so write access to an outcomes topic,
 * or to the requests topic they are sequenced on, cannot make Signet sign a document.
 */
final class StageOutcomes {

  static final String REPAIR = "repair";
  static final String FORWARD = "forward";

  private static final Logger log = LoggerFactory.getLogger(StageOutcomes.class);

  private final Map<String, Reader<?>> readers;

  StageOutcomes(RecordMac repairOutcomeMac, RecordMac forwardOutcomeMac, MeterRegistry meters) {
    this.readers =
        Map.of(
            REPAIR,
            new Reader<>(
                REPAIR,
                repairOutcomeMac,
                RepairOutcome.class,
                RepairOutcome::traceId,
                Inbound.Repaired::new,
                meters),
            FORWARD,
            new Reader<>(
                FORWARD,
                forwardOutcomeMac,
                ForwardOutcome.class,
                ForwardOutcome::traceId,
                Inbound.Forwarded::new,
                meters));
  }

  /** An authentic outcome, keyed by its trace. */
  record Read(String traceId, Inbound inbound) {}

  /** The outcome of stage {@code stage} in {@code value}, if its MAC verifies and it parses. */
  Optional<Read> read(String stage, Headers headers, byte[] value, String keyForLog) {
    Reader<?> reader = stage == null ? null : readers.get(stage);
    if (reader == null) {
      log.warn("record keyed {} names no known stage ({}); dropped", keyForLog, stage);
      return Optional.empty();
    }
    return reader.read(headers, value, keyForLog);
  }

  /** The outcome a requests-topic record carries, by its {@code x-signet-stage-outcome} header. */
  Optional<Read> read(Headers headers, byte[] value, String keyForLog) {
    return read(
        SignetHeaders.text(headers, SignetHeaders.STAGE_OUTCOME), headers, value, keyForLog);
  }

  static boolean isStageOutcome(Headers headers) {
    return headers.lastHeader(SignetHeaders.STAGE_OUTCOME) != null;
  }

  private static final class Reader<A> {
    private final String stage;
    private final RecordMac mac;
    private final Class<A> type;
    private final Function<A, String> traceOf;
    private final BiFunction<A, byte[], Inbound> inbound;
    private final Counter refused;

    Reader(
        String stage,
        RecordMac mac,
        Class<A> type,
        Function<A, String> traceOf,
        BiFunction<A, byte[], Inbound> inbound,
        MeterRegistry meters) {
      this.stage = stage;
      this.mac = mac;
      this.type = type;
      this.traceOf = traceOf;
      this.inbound = inbound;
      this.refused =
          Counter.builder("signet_" + stage + "_outcomes_refused")
              .description(
                  "Outcomes of the " + stage + " stage dropped: no valid MAC, or unreadable")
              .register(meters);
    }

    Optional<Read> read(Headers headers, byte[] value, String keyForLog) {
      if (value == null || !mac.verify(headers, value)) {
        return refuse(keyForLog, "no valid MAC");
      }
      A outcome;
      try {
        outcome = Json.read(value, type);
      } catch (RuntimeException e) {
        return refuse(keyForLog, e.toString());
      }
      return Optional.of(new Read(traceOf.apply(outcome), inbound.apply(outcome, value)));
    }

    private Optional<Read> refuse(String keyForLog, String why) {
      refused.increment();
      log.warn("{} outcome keyed {} dropped: {}", stage, keyForLog, why);
      return Optional.empty();
    }
  }
}
