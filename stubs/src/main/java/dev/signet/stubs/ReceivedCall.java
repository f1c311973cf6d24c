package dev.signet.stubs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One request {@link ModelStub} received, as sent: method, path, headers (names lower-cased) and
 * body text.
 */
public record ReceivedCall(
    String method, String path, Map<String, List<String>> headers, String body) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public ReceivedCall {
    headers =
        headers.entrySet().stream()
            .collect(
                Collectors.toUnmodifiableMap(
                    e -> e.getKey().toLowerCase(Locale.ROOT),
                    e -> List.copyOf(e.getValue()),
                    (a, b) -> a));
  }

  /** The first value of header {@code name} (any case). */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The body parsed as JSON. */
  public JsonNode json() {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("the request body is not JSON: " + body, e);
    }
  }
}
