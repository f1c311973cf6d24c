package dev.signet.processor.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.signet.core.json.Json;
import java.text.Normalizer;
import java.util.Map;

/**
 * Cleans every string (keys and values) before anything is hashed, so that the same text typed on
 * two systems gives the same content id: CR LF and lone CR become LF, other control characters
 * (Unicode category Cc, except tab and LF) are removed, and the rest is NFC-normalised. RFC 8785
 * itself normalises nothing. It runs on decoded strings, so escaped forms (an escaped combining
 * accent, an escaped CR LF) are cleaned like literal ones; embedded JSON is cleaned again after it
 * is parsed.
 */
final class Sanitizer {

  private Sanitizer() {}

  /** Two member names of one object that clean to the same name: refused, never merged. */
  static final class Collision extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String pointer;

    Collision(String pointer) {
      super(pointer, null, false, false);
      this.pointer = pointer;
    }

    /** Why, at {@code prefix} + the object's pointer. */
    String detail(String prefix) {
      String at = prefix + pointer;
      return (at.isEmpty() ? "/" : at)
          + " has two member names that are the same text once cleaned";
    }
  }

  /** A cleaned copy (unchanged nodes are shared); throws {@link Collision}. */
  static JsonNode sanitize(JsonNode node) {
    return sanitize(node, "");
  }

  private static JsonNode sanitize(JsonNode node, String pointer) {
    if (node == null) {
      return null;
    }
    if (node.isTextual()) {
      String text = node.textValue();
      String clean = sanitize(text);
      return clean.equals(text) ? node : TextNode.valueOf(clean);
    }
    if (node.isObject()) {
      ObjectNode copy = Json.MAPPER.createObjectNode();
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        String name = sanitize(field.getKey());
        if (copy.has(name)) {
          throw new Collision(pointer);
        }
        copy.set(name, sanitize(field.getValue(), pointer + "/" + escape(name)));
      }
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = Json.MAPPER.createArrayNode();
      for (int i = 0; i < node.size(); i++) {
        copy.add(sanitize(node.get(i), pointer + "/" + i));
      }
      return copy;
    }
    return node;
  }

  static String sanitize(String text) {
    String lines = text.indexOf('\r') < 0 ? text : text.replace("\r\n", "\n").replace('\r', '\n');
    StringBuilder kept = null;
    for (int i = 0; i < lines.length(); i++) {
      char c = lines.charAt(i);
      boolean control = Character.getType(c) == Character.CONTROL && c != '\t' && c != '\n';
      if (control && kept == null) {
        kept = new StringBuilder(lines.length()).append(lines, 0, i);
      } else if (!control && kept != null) {
        kept.append(c);
      }
    }
    String visible = kept == null ? lines : kept.toString();
    return Normalizer.isNormalized(visible, Normalizer.Form.NFC)
        ? visible
        : Normalizer.normalize(visible, Normalizer.Form.NFC);
  }

  private static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }
}
