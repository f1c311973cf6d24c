package dev.signet.processor.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.admission.Admission;
import dev.signet.core.crypto.Hashes;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import dev.signet.core.types.TypePair;
import dev.signet.core.types.TypeRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pair compiled from its files: the payload schema, the optional embedded document (a JSON
 * string at a pointer, parsed under the request's admission rules and checked against its own
 * schema), the target-path → expression map, the checks, the target schema, and the semantic
 * invariants a model's repair of the embedded document must keep. Pure and thread-safe.
 */
final class Mapping {

  /** An embedded JSON document: where its string sits and the schema of what it holds. */
  private record Embedded(
      String pointer, String schemaName, JsonNode schemaJson, SchemaCheck schema) {}

  private final TypePair pair;
  private final SchemaCheck payloadSchema;
  private final Embedded embedded;
  private final Map<String, Expression> map;
  private final List<Expression> checks;
  private final SchemaCheck targetSchema;
  private final EmbeddedParse embeddedParse;
  // Model replies are read by the same rungs, but they are no repair attempt of the sender's text.
  private final EmbeddedParse replyParse;
  private final Invariants invariants;
  private final RepairMetrics metrics;

  private Mapping(
      TypePair pair,
      SchemaCheck payloadSchema,
      Embedded embedded,
      Map<String, Expression> map,
      List<Expression> checks,
      SchemaCheck targetSchema,
      Invariants invariants,
      Admission admission,
      RepairMetrics metrics) {
    this.pair = pair;
    this.payloadSchema = payloadSchema;
    this.embedded = embedded;
    this.map = map;
    this.checks = checks;
    this.targetSchema = targetSchema;
    this.embeddedParse = new EmbeddedParse(admission, metrics);
    this.replyParse = new EmbeddedParse(admission, RepairMetrics.unregistered());
    this.invariants = invariants;
    this.metrics = metrics;
  }

  static Mapping compile(
      TypeRegistry types, TypePair pair, Admission admission, RepairMetrics metrics) {
    JsonNode file = types.mapping(pair).orElseThrow();
    try {
      SchemaCheck payloadSchema = compileSchema(types, pair.payloadType());
      Embedded embedded = null;
      JsonNode embeddedJson = file.get("embedded");
      if (embeddedJson != null) {
        String pointer = embeddedJson.path("pointer").asText("");
        String schema = embeddedJson.path("schema").asText("");
        if (!pointer.startsWith("/") || schema.isEmpty()) {
          throw new IllegalArgumentException("\"embedded\" needs a pointer and a schema");
        }
        SchemaCheck check = compileSchema(types, schema);
        embedded = new Embedded(pointer, schema, types.schema(schema).orElseThrow(), check);
      }
      Map<String, Expression> map = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> entry : file.get("map").properties()) {
        if (!entry.getKey().isEmpty() && !entry.getKey().startsWith("/")) {
          throw new IllegalArgumentException(
              "target \"" + entry.getKey() + "\" is no JSON pointer");
        }
        Expression expression = Expression.parse(entry.getValue().asText());
        requireArguments(expression, embedded);
        map.put(entry.getKey(), expression);
      }
      List<Expression> checks = new ArrayList<>();
      for (JsonNode check : file.path("checks")) {
        Expression expression = Expression.parse(check.asText());
        requireArguments(expression, embedded);
        checks.add(expression);
      }
      SchemaCheck targetSchema = compileSchema(types, pair.targetType());
      Invariants invariants = Invariants.compile(file.get("invariants"));
      if (!invariants.isEmpty() && embedded == null) {
        // Only the embedded document is ever repaired by the model.
        throw new IllegalArgumentException("\"invariants\" need an \"embedded\" document");
      }
      return new Mapping(
          pair,
          payloadSchema,
          embedded,
          map,
          List.copyOf(checks),
          targetSchema,
          invariants,
          admission,
          metrics);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("mapping " + pair.key() + ": " + e.getMessage(), e);
    }
  }

  TypePair pair() {
    return pair;
  }

  /**
   * Validates, maps, checks and validates the result; every refusal is a 4xx code. Embedded
   * arguments that no parser rung reads, or that fail their schema, are {@link Outcome.NeedsModel}:
   * the model rung is the caller's to take or refuse.
   */
  Outcome apply(JsonNode payload) {
    List<String> violations = payloadSchema.violations(payload, "");
    if (!violations.isEmpty()) {
      // With embedded arguments the payload is the agent's own output: an envelope no parser can
      // read the arguments out of cannot be repaired.
      return Outcome.rejected(
          embedded == null ? ErrorCode.SCHEMA_INVALID : ErrorCode.REPAIR_FAILED,
          String.join("; ", violations));
    }
    if (embedded == null) {
      return map(payload, null, RepairStep.NONE, null);
    }
    JsonNode text = payload.at(embedded.pointer());
    if (!text.isTextual()) {
      return Outcome.rejected(
          ErrorCode.REPAIR_FAILED, embedded.pointer() + " must be a JSON string");
    }
    String original = text.textValue();
    // JSON inside a string follows the request's own rules (no duplicate names, no trailing
    // content, exact numbers), or two parsers could read two different documents; the only
    // leniency is the parser's own, and the rung that needed it is recorded.
    EmbeddedParse.Result parsed = embeddedParse.parse(original);
    if (parsed instanceof EmbeddedParse.Refused refused) {
      // A limit keeps its own code; an inexact number has no repair that keeps its value.
      ErrorCode code =
          refused.code() == ErrorCode.PAYLOAD_TOO_LARGE ? refused.code() : ErrorCode.REPAIR_FAILED;
      return Outcome.rejected(code, embedded.pointer() + ": " + refused.detail());
    }
    if (parsed instanceof EmbeddedParse.Unrepairable unrepairable) {
      return needsModel(original, unrepairable.detail());
    }
    EmbeddedParse.Parsed read = (EmbeddedParse.Parsed) parsed;
    Arguments arguments = checkArguments(read.json());
    if (arguments.refusal() != null) {
      return arguments.refusal();
    }
    if (!arguments.violations().isEmpty()) {
      return needsModel(
          original,
          read.step().label() + " read it; schema: " + String.join("; ", arguments.violations()));
    }
    return map(payload, arguments.json(), read.step(), original);
  }

  /**
   * The exchange continued with the model's reply for the arguments {@code original}: the reply
   * must parse (strict, or lenient after one code fence), satisfy the arguments schema and keep the
   * original's meaning ({@code invariants}), then it is mapped like any other arguments.
   */
  Outcome applyRepaired(JsonNode payload, String original, String reply) {
    if (embedded == null) {
      throw new IllegalStateException(pair.key() + " has no embedded arguments to repair");
    }
    String where = embedded.pointer() + ": " + RepairStep.LLM_FALLBACK.label() + ": ";
    EmbeddedParse.Result parsed = replyParse.parse(reply);
    if (parsed instanceof EmbeddedParse.Refused refused) {
      return Outcome.rejected(ErrorCode.REPAIR_FAILED, where + refused.detail());
    }
    if (parsed instanceof EmbeddedParse.Unrepairable unrepairable) {
      return Outcome.rejected(
          ErrorCode.REPAIR_FAILED, where + "the reply is not JSON: " + unrepairable.detail());
    }
    Arguments arguments = checkArguments(((EmbeddedParse.Parsed) parsed).json());
    if (arguments.refusal() != null) {
      return arguments.refusal();
    }
    if (!arguments.violations().isEmpty()) {
      return Outcome.rejected(
          ErrorCode.REPAIR_FAILED,
          where
              + "the reply does not satisfy "
              + embedded.schemaName()
              + ": "
              + String.join("; ", arguments.violations()));
    }
    List<Violation> broken = invariants.check(original, arguments.json());
    if (!broken.isEmpty()) {
      metrics.semanticViolations(broken);
      return new Outcome.Rejected(
          ErrorCode.SEMANTIC_VIOLATION,
          where + "the repair changed what the sender wrote: " + Violation.summary(broken),
          Json.tree(broken));
    }
    return map(payload, arguments.json(), RepairStep.LLM_FALLBACK, original);
  }

  /** Read arguments, sanitised, with their schema violations; or a refusal. */
  private record Arguments(JsonNode json, List<String> violations, Outcome refusal) {}

  private Arguments checkArguments(JsonNode read) {
    JsonNode arguments;
    try {
      // Decoded strings are cleaned here: escapes in the text were not cleaned with it.
      arguments = Sanitizer.sanitize(read);
    } catch (Sanitizer.Collision e) {
      return new Arguments(
          null,
          List.of(),
          Outcome.rejected(ErrorCode.SCHEMA_INVALID, e.detail(embedded.pointer())));
    }
    return new Arguments(
        arguments, embedded.schema().violations(arguments, embedded.pointer()), null);
  }

  private Outcome needsModel(String original, String failure) {
    return new Outcome.NeedsModel(
        pair, embedded.pointer(), original, embedded.schemaName(), embedded.schemaJson(), failure);
  }

  private Outcome map(JsonNode payload, JsonNode arguments, RepairStep repair, String original) {
    JsonNode document = Json.MAPPER.createObjectNode();
    for (Map.Entry<String, Expression> entry : map.entrySet()) {
      MappingFunctions.Result result = evaluate(entry.getValue(), payload, arguments);
      if (result instanceof MappingFunctions.Result.Failed failed) {
        return Outcome.rejected(failed.code(), failed.detail());
      }
      JsonNode value = ((MappingFunctions.Result.Value) result).value();
      if (value == null) {
        continue;
      }
      if (entry.getKey().isEmpty()) {
        document = value;
      } else {
        document = put(document, entry.getKey(), value);
      }
    }
    for (Expression check : checks) {
      if (evaluate(check, payload, arguments) instanceof MappingFunctions.Result.Failed failed) {
        return Outcome.rejected(failed.code(), failed.detail());
      }
    }
    List<String> targetViolations = targetSchema.violations(document, "");
    if (!targetViolations.isEmpty()) {
      return Outcome.rejected(
          ErrorCode.SCHEMA_INVALID,
          "mapped " + pair.targetType() + ": " + String.join("; ", targetViolations));
    }
    if (repair == RepairStep.NONE) {
      return new Outcome.Normalized(document, repair);
    }
    return new Outcome.Normalized(
        document,
        repair,
        Hashes.sha256(original),
        Hashes.sha256(Canonical.canonicalBytes(arguments)));
  }

  private static MappingFunctions.Result evaluate(
      Expression expression, JsonNode payload, JsonNode arguments) {
    if (expression instanceof Expression.Literal literal) {
      return new MappingFunctions.Result.Value(literal.value());
    }
    if (expression instanceof Expression.Source source) {
      JsonNode value = resolve(source, payload, arguments);
      if (value == null && !source.optional()) {
        return new MappingFunctions.Result.Failed(
            ErrorCode.SCHEMA_INVALID, where(source) + " is required");
      }
      return new MappingFunctions.Result.Value(value);
    }
    Expression.Call call = (Expression.Call) expression;
    List<MappingFunctions.Arg> args = new ArrayList<>();
    for (Expression argument : call.arguments()) {
      if (argument instanceof Expression.Source source) {
        args.add(new MappingFunctions.Arg(resolve(source, payload, arguments), where(source)));
      } else if (argument instanceof Expression.Literal literal) {
        args.add(new MappingFunctions.Arg(literal.value(), literal.value().toString()));
      }
    }
    return MappingFunctions.call(call.function(), args);
  }

  /** The value at a source, or null when absent or JSON null. */
  private static JsonNode resolve(Expression.Source source, JsonNode payload, JsonNode arguments) {
    JsonNode root = source.root() == Expression.Root.ARGUMENTS ? arguments : payload;
    if (root == null) {
      return null;
    }
    JsonNode value = root.at(source.pointer());
    return value.isMissingNode() || value.isNull() ? null : value;
  }

  private static String where(Expression.Source source) {
    return source.pointer().isEmpty() ? "/" : source.pointer();
  }

  private static JsonNode put(JsonNode document, String pointer, JsonNode value) {
    ObjectNode root =
        document instanceof ObjectNode object ? object : Json.MAPPER.createObjectNode();
    String[] segments = pointer.substring(1).split("/", -1);
    ObjectNode current = root;
    for (int i = 0; i < segments.length - 1; i++) {
      String name = unescape(segments[i]);
      JsonNode next = current.get(name);
      current = next instanceof ObjectNode object ? object : current.putObject(name);
    }
    current.set(unescape(segments[segments.length - 1]), value);
    return root;
  }

  private static String unescape(String segment) {
    return segment.replace("~1", "/").replace("~0", "~");
  }

  private static void requireArguments(Expression expression, Embedded embedded) {
    List<Expression> sources =
        expression instanceof Expression.Call call ? call.arguments() : List.of(expression);
    boolean usesArguments =
        sources.stream()
            .anyMatch(
                a -> a instanceof Expression.Source s && s.root() == Expression.Root.ARGUMENTS);
    if (usesArguments && embedded == null) {
      throw new IllegalArgumentException("$args used but the mapping declares no \"embedded\"");
    }
  }

  private static SchemaCheck compileSchema(TypeRegistry types, String type) {
    return SchemaCheck.compile(
        type,
        types
            .schema(type)
            .orElseThrow(() -> new IllegalArgumentException("no schema for type " + type)));
  }
}
