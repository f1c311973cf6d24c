package dev.signet.shell;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one {@link HealthCheck} says about one part of a service.
 *
 * @param live false only when the part has failed for good: a restart is the cure
 * @param ready true when the part does its work now (it may be live but not ready, e.g. while a
 *     Kafka Streams client rebalances)
 * @param state the part's own state name, for people reading {@code /healthz} (e.g. {@code
 *     RUNNING})
 * @param details further facts to show (strings, numbers, booleans), in order
 */
public record Health(boolean live, boolean ready, String state, Map<String, Object> details) {

  public Health {
    Objects.requireNonNull(state, "state");
    if (ready && !live) {
      throw new IllegalArgumentException("a part that is not live cannot be ready");
    }
    // Copied in order (Map.copyOf would not keep it); JSON shows them as given.
    details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public static Health ready(String state) {
    return new Health(true, true, state, Map.of());
  }

  public static Health notReady(String state) {
    return new Health(true, false, state, Map.of());
  }

  public static Health failed(String state) {
    return new Health(false, false, state, Map.of());
  }

  /** This health with one more detail. */
  public Health with(String name, Object value) {
    Map<String, Object> more = new LinkedHashMap<>(details);
    more.put(name, value);
    return new Health(live, ready, state, more);
  }
}
