package dev.signet.processor.stage;

import dev.signet.core.crypto.RecordMac;
import dev.signet.core.topic.Topic;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a {@link Stage} reads and writes: its name, its two topics with their serdes, the MACs of
 * each, and how a request and an outcome name their request and trace.
 *
 * @param name lower-case, for threads, logs, headers and meters, e.g. {@code repair}
 * @param id the request's id: one outcome per id
 * @param traceId the trace a request belongs to: its outcome's key
 * @param answeredId the id of the request an outcome answers
 */
public record StageRecords<Q, A>(
    String name,
    Topic<String, Q> requests,
    Topic<String, A> outcomes,
    RecordMac requestMac,
    RecordMac outcomeMac,
    Function<Q, String> id,
    Function<Q, String> traceId,
    Function<A, String> answeredId) {

  public StageRecords {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(requests, "requests");
    Objects.requireNonNull(outcomes, "outcomes");
    Objects.requireNonNull(requestMac, "requestMac");
    Objects.requireNonNull(outcomeMac, "outcomeMac");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(answeredId, "answeredId");
  }
}
