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
import java.util.function.BiFunction;

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
   * UNSUPPORTED_MAPPING}; arguments only the model could read are {@link Outcome.NeedsModel}.
   */
  public Outcome apply(String payloadType, String targetType, JsonNode payload) {
    return sanitizedThen(payloadType, targetType, payload, Mapping::apply);
  }

  /**
   * As {@link #apply}, for an exchange whose arguments were {@link Outcome.NeedsModel}: continues
   * with the model's {@code reply} for the {@code original} arguments text.
   */
  public Outcome applyRepaired(
      String payloadType, String targetType, JsonNode payload, String original, String reply) {
    return sanitizedThen(
        payloadType,
        targetType,
        payload,
        (mapping, clean) -> mapping.applyRepaired(clean, original, reply));
  }

  private Outcome sanitizedThen(
      String payloadType,
      String targetType,
      JsonNode payload,
      BiFunction<Mapping, JsonNode, Outcome> transform) {
    Mapping mapping =
        payloadType == null || targetType == null
            ? null
            : byPair.get(new TypePair(payloadType, targetType));
    if (mapping == null) {
      return unsupported(payloadType, targetType);
    }
    JsonNode clean;
    try {
      clean = Sanitizer.sanitize(payload);
    } catch (Sanitizer.Collision e) {
      return Outcome.rejected(ErrorCode.SCHEMA_INVALID, e.detail(""));
    }
    return transform.apply(mapping, clean);
  }

  private Outcome unsupported(String payloadType, String targetType) {
    return Outcome.rejected(
        ErrorCode.UNSUPPORTED_MAPPING,
        "no mapping from " + payloadType + " to " + targetType + "; supported: " + supported());
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
