package dev.signet.processor.transform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.error.ErrorCode;

/** What a transformation made of a payload: a normalised document, or a rejection. */
public sealed interface Outcome {

  record Normalized(JsonNode document) implements Outcome {}

  record Rejected(ErrorCode code, String detail) implements Outcome {}

  static Outcome rejected(ErrorCode code, String detail) {
    return new Rejected(code, detail);
  }
}
