package dev.signet.shell;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer to one probe over every registered check: UP when each check is up for that probe. A
 * service with no check registered yet is starting: live, not ready. A check that throws is DOWN
 * for both probes, since its part cannot even say how it is.
 */
record HealthReport(boolean up, Map<String, Object> body) {

  static HealthReport of(Probe probe, Map<String, HealthCheck> checks) {
    boolean up = probe == Probe.LIVE || !checks.isEmpty();
    Map<String, Object> results = new LinkedHashMap<>();
    for (Map.Entry<String, HealthCheck> check : checks.entrySet()) {
      Health health = run(check.getValue());
      boolean checkUp = probe.up(health);
      up &= checkUp;
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("status", status(checkUp));
      result.put("state", health.state());
      result.putAll(health.details());
      results.put(check.getKey(), result);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status(up));
    body.put("checks", results);
    return new HealthReport(up, body);
  }

  int statusCode() {
    return up ? 200 : 503;
  }

  private static Health run(HealthCheck check) {
    try {
      return check.check();
    } catch (RuntimeException e) {
      return Health.failed("UNKNOWN").with("error", e.toString());
    }
  }

  private static String status(boolean up) {
    return up ? "UP" : "DOWN";
  }
}
