package dev.signet.core.message;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * The processor asks the repair worker to have the model repair one exchange's embedded arguments.
 * Keyed by trace, written to the partition of the trace, MAC-stamped ({@code RepairMacs#request});
 * the worker answers with one {@link RepairOutcome} of the same {@code repairId}.
 *
 * @param repairId deterministic id of this exchange's repair (a replay asks with the same one)
 * @param argumentsSchemaName the type name of the schema the repaired arguments must satisfy
 * @param argumentsSchema that schema, sent along so the worker needs no type registry
 * @param arguments the arguments text as sent (sanitised), which no parser rung could read
 * @param failure what the parser rungs and schema said, for the model prompt
 * @param reservedTokens the FU estimate the processor reserved against the tenant's quota
 * @param requestedAt when the processor asked, RFC 3339 UTC
 */
public record RepairRequest(
    String repairId,
    String traceId,
    String tenant,
    String payloadType,
    String argumentsSchemaName,
    JsonNode argumentsSchema,
    String arguments,
    String failure,
    long reservedTokens,
    String requestedAt) {

  public RepairRequest {
    Objects.requireNonNull(repairId, "repairId");
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(argumentsSchemaName, "argumentsSchemaName");
    Objects.requireNonNull(argumentsSchema, "argumentsSchema");
    Objects.requireNonNull(arguments, "arguments");
    Objects.requireNonNull(requestedAt, "requestedAt");
  }
}
