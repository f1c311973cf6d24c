package dev.signet.core.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import dev.signet.core.json.RawJson;

/**
 * The body of an accepted result: {@code {trace_id, normalized, policy, forwarded?, receipt}}.
 * Every member but the receipt repeats what the receipt holds, and is written in its RFC 8785 form
 * ({@code normalized} is the receipt's {@code canon} itself), so the body can be rebuilt byte for
 * byte from the receipt alone: an idempotency entry stores only the receipt.
 */
public final class AcceptedBody {

  private AcceptedBody() {}

  /** The body around {@code receipt}, from the parts the processor has at hand when it signs. */
  public static RawJson of(
      String traceId, String canon, JsonNode policy, JsonNode forwarded, RawJson receipt) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("trace_id", traceId);
    // The canonical text is the normalised document as JSON: no second serialisation of it.
    body.putRawValue("normalized", new RawValue(canon));
    body.putRawValue("policy", new RawValue(Canonical.canonicalize(policy)));
    if (forwarded != null && !forwarded.isNull()) {
      body.putRawValue("forwarded", new RawValue(Canonical.canonicalize(forwarded)));
    }
    body.putRawValue("receipt", receipt.rawValue());
    return RawJson.of(body);
  }

  /** The accepted result whose body {@link #of} wrote around {@code receipt}, not a replay. */
  public static ExchangeResult.Accepted resultOf(RawJson receipt) {
    JsonNode tree = receipt.tree();
    String traceId = tree.path("trace_id").asText();
    RawJson body =
        of(
            traceId,
            tree.path("canon").asText(),
            tree.path("policy"),
            tree.get("forwarded"),
            receipt);
    return new ExchangeResult.Accepted(traceId, false, body);
  }
}
