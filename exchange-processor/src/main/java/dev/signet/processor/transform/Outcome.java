package dev.signet.processor.transform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.error.ErrorCode;
import java.util.Objects;

/** What a transformation made of a payload: a normalised document, or a rejection. */
public sealed interface Outcome {

  /**
   * A normalised document and the repair rung its embedded document needed ({@link RepairStep#NONE}
   * for payloads read as sent and for pairs without one). The receipt does not carry {@code repair}
   * yet; its place is the receipt's policy (or a {@code repair} field beside {@code fallback_used})
   * once the receipt format is extended.
   */
  record Normalized(JsonNode document, RepairStep repair) implements Outcome {

    public Normalized {
      Objects.requireNonNull(repair, "repair");
    }
  }

  record Rejected(ErrorCode code, String detail) implements Outcome {}

  static Outcome rejected(ErrorCode code, String detail) {
    return new Rejected(code, detail);
  }
}
