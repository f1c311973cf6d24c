package dev.signet.stubs;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of an {@code application/x-www-form-urlencoded} text, a request body or a raw query
 * string, as the stubs of form-speaking services (Stripe) read them: in order, the last of a
 * repeated name winning, a name without {@code =} given an empty value.
 */
public final class FormFields {

  private FormFields() {}

  /** The decoded fields of {@code encoded}; none when it is null or empty. */
  public static Map<String, String> decode(String encoded) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return fields;
    }
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      fields.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return fields;
  }
}
