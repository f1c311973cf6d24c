package dev.signet.processor.transform;

import com.fasterxml.jackson.databind.JsonNode;

/** Validates one payload type and maps it to one target type. Pure and thread-safe. */
interface LegacyTransformer {

  String payloadType();

  String targetType();

  Outcome transform(JsonNode payload);
}
