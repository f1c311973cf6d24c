package dev.signet.core.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generators for property tests: random canonical documents (ASCII, escapes, BMP, astral
 * code points, numbers of every magnitude, nesting) and code-point level edits.
 */
final class RandomChains {

  private RandomChains() {}

  static List<String> canons(Random random, int minHops, int maxHops) {
    int hops = minHops + random.nextInt(maxHops - minHops + 1);
    List<String> canons = new ArrayList<>(hops);
    for (int i = 0; i < hops; i++) {
      canons.add(canon(random));
    }
    return canons;
  }

  static String canon(Random random) {
    ObjectNode document = Json.MAPPER.createObjectNode();
    int fields = 1 + random.nextInt(6);
    for (int i = 0; i < fields; i++) {
      document.set(string(random, 1, 8), value(random, 2));
    }
    return Canonical.canonicalize(document);
  }

  private static JsonNode value(Random random, int depth) {
    int kind = random.nextInt(depth > 0 ? 8 : 6);
    return switch (kind) {
      case 0 -> Json.MAPPER.getNodeFactory().textNode(string(random, 0, 16));
      case 1 -> Json.MAPPER.getNodeFactory().numberNode(random.nextLong());
      case 2 -> Json.MAPPER.getNodeFactory().numberNode(finiteDouble(random));
      case 3 -> Json.MAPPER.getNodeFactory().booleanNode(random.nextBoolean());
      case 4 -> Json.MAPPER.getNodeFactory().nullNode();
      case 5 -> Json.MAPPER.getNodeFactory().numberNode(random.nextInt(2000) - 1000);
      case 6 -> {
        ArrayNode array = Json.MAPPER.createArrayNode();
        int size = random.nextInt(4);
        for (int i = 0; i < size; i++) {
          array.add(value(random, depth - 1));
        }
        yield array;
      }
      default -> {
        ObjectNode object = Json.MAPPER.createObjectNode();
        int size = random.nextInt(4);
        for (int i = 0; i < size; i++) {
          object.set(string(random, 0, 6), value(random, depth - 1));
        }
        yield object;
      }
    };
  }

  private static double finiteDouble(Random random) {
    while (true) {
      double value = Double.longBitsToDouble(random.nextLong());
      if (Double.isFinite(value)) {
        return value;
      }
    }
  }

  static String string(Random random, int minCodePoints, int maxCodePoints) {
    int length = minCodePoints + random.nextInt(maxCodePoints - minCodePoints + 1);
    StringBuilder out = new StringBuilder(length * 2);
    for (int i = 0; i < length; i++) {
      out.appendCodePoint(codePoint(random));
    }
    return out.toString();
  }

  /**
   * A Unicode scalar value (never a lone surrogate) from ASCII, controls, the BMP or an astral
   * plane.
   */
  static int codePoint(Random random) {
    return switch (random.nextInt(6)) {
      case 0, 1 -> 0x20 + random.nextInt(0x5f);
      case 2 -> random.nextInt(0x20);
      case 3 -> 0xa0 + random.nextInt(0xd7ff - 0xa0);
      case 4 -> 0xe000 + random.nextInt(0xfffe - 0xe000);
      default -> 0x10000 + random.nextInt(0x10ffff - 0x10000);
    };
  }

  /** {@code text} with one code point replaced by a different one. */
  static String flipOneCodePoint(String text, Random random) {
    int[] codePoints = text.codePoints().toArray();
    int at = random.nextInt(codePoints.length);
    int replacement;
    do {
      replacement = codePoint(random);
    } while (replacement == codePoints[at]);
    codePoints[at] = replacement;
    return new String(codePoints, 0, codePoints.length);
  }
}
