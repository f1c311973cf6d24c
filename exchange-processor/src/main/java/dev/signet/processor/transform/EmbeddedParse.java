package dev.signet.processor.transform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.admission.Admission;
import dev.signet.core.error.ErrorCode;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parsing rungs of the repair ladder for JSON embedded in a string (a tool call's {@code
 * arguments}): strict first, then the parser's own leniency after removing at most one surrounding
 * markdown code fence. Nothing inside the JSON is rewritten, so a repaired document reads exactly
 * as the sender's text would to a lenient reader; anything else is refused. Pure and thread-safe.
 */
final class EmbeddedParse {

  /**
   * One fence around the whole text: an opening line of three backticks and an optional {@code
   * json} tag, the body, and a closing line of three backticks. A second fence stays in the body
   * and fails the parse, rather than being guessed at.
   */
  private static final Pattern FENCE =
      Pattern.compile(
          "\\A\\s*```(?:json)?[ \\t]*\\r?\\n(.*?)\\r?\\n?[ \\t]*```\\s*\\z",
          Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

  private final Admission admission;
  private final RepairMetrics metrics;

  EmbeddedParse(Admission admission, RepairMetrics metrics) {
    this.admission = admission;
    this.metrics = metrics;
  }

  /** What the ladder made of the text. */
  sealed interface Result {}

  /** A document, and the rung that read it. */
  record Parsed(JsonNode json, RepairStep step) implements Result {}

  /**
   * Read, but beyond a limit no rung may relax (depth, inexact numbers): refused with that code.
   */
  record Refused(ErrorCode code, String detail) implements Result {}

  /** No rung could read the text: what each one said, in order. */
  record Unrepairable(List<Attempt> attempts) implements Result {

    Unrepairable {
      attempts = List.copyOf(attempts);
    }

    /** {@code strict: …; tolerant_parse: …}, for the 422 detail. */
    String detail() {
      StringBuilder detail = new StringBuilder();
      for (Attempt attempt : attempts) {
        if (!detail.isEmpty()) {
          detail.append("; ");
        }
        detail.append(attempt.step()).append(": ").append(attempt.error());
      }
      return detail.toString();
    }
  }

  /** One failed rung: its name and the parser's error. */
  record Attempt(String step, String error) {}

  Result parse(String text) {
    Admission.Parsed strict = admission.parseEmbedded(text);
    if (strict.refused() == null) {
      return new Parsed(strict.json(), RepairStep.NONE);
    }
    if (strict.refused().code() != ErrorCode.MALFORMED_REQUEST) {
      // Too deep or an inexact number: the syntax was fine, so no leniency would change that.
      return new Refused(strict.refused().code(), strict.refused().detail());
    }
    metrics.attempted(RepairStep.TOLERANT_PARSE);
    Matcher fence = FENCE.matcher(text);
    Admission.Parsed tolerant =
        admission.parseEmbeddedTolerant(fence.matches() ? fence.group(1) : text);
    if (tolerant.refused() == null) {
      metrics.succeeded(RepairStep.TOLERANT_PARSE);
      return new Parsed(tolerant.json(), RepairStep.TOLERANT_PARSE);
    }
    if (tolerant.refused().code() != ErrorCode.MALFORMED_REQUEST) {
      return new Refused(tolerant.refused().code(), tolerant.refused().detail());
    }
    return new Unrepairable(
        List.of(
            new Attempt("strict", strict.refused().detail()),
            new Attempt(RepairStep.TOLERANT_PARSE.label(), tolerant.refused().detail())));
  }
}
