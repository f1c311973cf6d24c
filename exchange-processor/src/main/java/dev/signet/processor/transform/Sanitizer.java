package dev.signet.processor.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.signet.core.json.Json;
import java.text.Normalizer;
import java.util.Map;

/**
 * NFC-normalises every string (keys and values) before anything is hashed, so that the same text
 * typed on two systems gives the same content id. RFC 8785 itself normalises nothing.
 */
final class Sanitizer {

  private Sanitizer() {}

  static JsonNode nfc(JsonNode node) {
    if (node == null) {
      return null;
    }
    if (node.isTextual()) {
      String text = node.textValue();
      return Normalizer.isNormalized(text, Normalizer.Form.NFC)
          ? node
          : TextNode.valueOf(nfc(text));
    }
    if (node.isObject()) {
      ObjectNode copy = Json.MAPPER.createObjectNode();
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        copy.set(nfc(field.getKey()), nfc(field.getValue()));
      }
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = Json.MAPPER.createArrayNode();
      node.forEach(element -> copy.add(nfc(element)));
      return copy;
    }
    return node;
  }

  static String nfc(String text) {
    return Normalizer.normalize(text, Normalizer.Form.NFC);
  }
}
