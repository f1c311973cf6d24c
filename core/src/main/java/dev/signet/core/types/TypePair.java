package dev.signet.core.types;

import java.util.Objects;

/** A supported (payload type → target type) mapping, e.g. {@code openai.tooluse.invoice.v1}. */
public record TypePair(String payloadType, String targetType) {

  public TypePair {
    Objects.requireNonNull(payloadType, "payloadType");
    Objects.requireNonNull(targetType, "targetType");
  }

  /** The name shown to callers and used for mapping files: {@code payload--target}. */
  public String key() {
    return payloadType + "--" + targetType;
  }
}
