package dev.signet.core.error;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.json.Json;

/** RFC 9457 problem documents with Signet's stable {@code code} member. */
public final class Problem {

  public static final String MEDIA_TYPE = "application/problem+json";

  private Problem() {}

  public static ObjectNode of(ErrorCode code, String detail) {
    ObjectNode problem = Json.MAPPER.createObjectNode();
    problem.put("type", code.type());
    problem.put("title", code.title());
    problem.put("status", code.status());
    problem.put("code", code.name());
    if (detail != null) {
      problem.put("detail", detail);
    }
    return problem;
  }
}
