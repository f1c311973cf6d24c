package dev.signet.processor.transform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.error.ErrorCode;
import dev.signet.core.types.TypePair;
import java.util.Objects;

/** What a transformation made of a payload: a normalised document, a rejection, or a question. */
public sealed interface Outcome {

  /**
   * A normalised document and the repair rung its embedded document needed ({@link RepairStep#NONE}
   * for payloads read as sent and for pairs without one). With a repair, the hashes of the
   * arguments text that went in and of the RFC 8785 form of the arguments that came out.
   */
  record Normalized(JsonNode document, RepairStep repair, String originalHash, String repairedHash)
      implements Outcome {

    public Normalized(JsonNode document, RepairStep repair) {
      this(document, repair, null, null);
    }

    public Normalized {
      Objects.requireNonNull(repair, "repair");
      if ((repair == RepairStep.NONE) != (originalHash == null)) {
        throw new IllegalArgumentException("a repair, and only a repair, has hashes");
      }
    }
  }

  /**
   * Refused. {@code violations} lists semantic violations ({@code [{rule, field, expected,
   * actual}]}) when the code is {@code SEMANTIC_VIOLATION} and they are known, else null.
   */
  record Rejected(ErrorCode code, String detail, JsonNode violations) implements Outcome {

    public Rejected(ErrorCode code, String detail) {
      this(code, detail, null);
    }
  }

  /**
   * The embedded arguments could not be read or do not satisfy their schema: only the model rung is
   * left. The caller decides whether the tenant may use it; {@link #refused} is the answer when
   * not.
   *
   * @param arguments the arguments text as processed (after sanitising)
   * @param failure what the parser rungs and the schema said, in order
   */
  record NeedsModel(
      TypePair pair,
      String pointer,
      String arguments,
      String argumentsSchemaName,
      JsonNode argumentsSchema,
      String failure)
      implements Outcome {

    /** {@code REPAIR_FAILED} with what each rung said, and why the model rung was not tried. */
    public Rejected refused(String whyNoModel) {
      return new Rejected(
          ErrorCode.REPAIR_FAILED,
          pointer + ": " + failure + "; " + RepairStep.LLM_FALLBACK.label() + ": " + whyNoModel);
    }
  }

  static Outcome rejected(ErrorCode code, String detail) {
    return new Rejected(code, detail);
  }
}
