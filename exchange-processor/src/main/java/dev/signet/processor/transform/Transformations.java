package dev.signet.processor.transform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.admission.Admission;
import dev.signet.core.error.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The registry of supported (payload_type → target_type) mappings. */
public final class Transformations {

  private final Map<String, Transformer> byMapping;

  Transformations(List<Transformer> transformers) {
    this.byMapping =
        transformers.stream()
            .collect(Collectors.toUnmodifiableMap(Transformations::mapping, Function.identity()));
  }

  /**
   * The built-in mappings; JSON embedded in a payload is parsed under the request's own admission
   * rules.
   */
  public static Transformations standard(Admission admission) {
    return new Transformations(
        List.of(new InvoiceToolUseToIso20022(admission), new Iso20022Passthrough()));
  }

  /** Sanitises (NFC) and transforms; unknown mappings are {@code UNSUPPORTED_MAPPING}. */
  public Outcome apply(String payloadType, String targetType, JsonNode payload) {
    Transformer transformer = byMapping.get(payloadType + "->" + targetType);
    if (transformer == null) {
      return Outcome.rejected(
          ErrorCode.UNSUPPORTED_MAPPING,
          "no mapping from "
              + payloadType
              + " to "
              + targetType
              + "; supported: "
              + byMapping.keySet());
    }
    return transformer.transform(Sanitizer.nfc(payload));
  }

  private static String mapping(Transformer transformer) {
    return transformer.payloadType() + "->" + transformer.targetType();
  }
}
