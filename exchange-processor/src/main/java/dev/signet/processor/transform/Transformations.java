package dev.signet.processor.transform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.admission.Admission;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.types.TypePair;
import dev.signet.core.types.TypeRegistry;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The supported (payload_type → target_type) mappings, compiled from the {@link TypeRegistry}'s
 * files (schemas and declarative mappings): adding a pair needs no Java.
 */
public final class Transformations {

  private final Map<TypePair, Mapping> byPair;

  private Transformations(Map<TypePair, Mapping> byPair) {
    this.byPair = Collections.unmodifiableMap(new LinkedHashMap<>(byPair));
  }

  /** The built-in mappings only. */
  public static Transformations standard(Admission admission) {
    return from(TypeRegistry.builtIn(), admission);
  }

  /**
   * Every pair of {@code types}, compiled now so that a bad schema or mapping file fails at start;
   * JSON embedded in a payload is parsed under the request's own admission rules.
   */
  public static Transformations from(TypeRegistry types, Admission admission) {
    return from(types, admission, RepairMetrics.unregistered());
  }

  /** As {@link #from(TypeRegistry, Admission)}, counting repair attempts on {@code metrics}. */
  public static Transformations from(
      TypeRegistry types, Admission admission, RepairMetrics metrics) {
    Map<TypePair, Mapping> byPair = new LinkedHashMap<>();
    for (TypePair pair : types.pairs()) {
      byPair.put(pair, Mapping.compile(types, pair, admission, metrics));
    }
    return new Transformations(byPair);
  }

  /**
   * Sanitises (line ends, control characters, NFC) and transforms; unknown mappings are {@code
   * UNSUPPORTED_MAPPING}.
   */
  public Outcome apply(String payloadType, String targetType, JsonNode payload) {
    Mapping mapping =
        payloadType == null || targetType == null
            ? null
            : byPair.get(new TypePair(payloadType, targetType));
    if (mapping == null) {
      return Outcome.rejected(
          ErrorCode.UNSUPPORTED_MAPPING,
          "no mapping from " + payloadType + " to " + targetType + "; supported: " + supported());
    }
    JsonNode clean;
    try {
      clean = Sanitizer.sanitize(payload);
    } catch (Sanitizer.Collision e) {
      return Outcome.rejected(ErrorCode.SCHEMA_INVALID, e.detail(""));
    }
    return mapping.apply(clean);
  }

  /**
   * The semantic invariants of {@code pair} that a model's repair of the embedded arguments breaks
   * (see {@link Violation}); empty when it keeps the sender's meaning or the pair has none.
   *
   * @param originalArguments the embedded arguments text as the sender sent it
   * @param repairedArguments the repaired arguments document, parsed and sanitised
   */
  public List<Violation> checkRepaired(
      TypePair pair, String originalArguments, JsonNode repairedArguments) {
    Mapping mapping = byPair.get(pair);
    if (mapping == null) {
      throw new IllegalArgumentException("no mapping " + pair.key());
    }
    return mapping.checkRepaired(originalArguments, repairedArguments);
  }

  /** The supported pairs, in load order. */
  public List<TypePair> pairs() {
    return List.copyOf(byPair.keySet());
  }

  /** The supported pairs as {@code payload->target}, sorted. */
  public List<String> supported() {
    return byPair.keySet().stream()
        .map(pair -> pair.payloadType() + "->" + pair.targetType())
        .sorted()
        .toList();
  }
}
