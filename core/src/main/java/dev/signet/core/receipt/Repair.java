package dev.signet.core.receipt;

import java.util.Objects;

/**
 * How a receipt's document was repaired, when it was: the rung that read the tool call's arguments
 * ({@code tolerant_parse} or {@code llm_fallback}) and what went in and came out, as hashes, so a
 * sender can prove which text of theirs was repaired into which document without the receipt
 * carrying the text.
 *
 * @param originalHash {@code sha256:} of the UTF-8 arguments text as processed (after sanitising)
 * @param repairedHash {@code sha256:} of the RFC 8785 form of the arguments the repair produced
 */
public record Repair(String step, String originalHash, String repairedHash) {

  public Repair {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(originalHash, "originalHash");
    Objects.requireNonNull(repairedHash, "repairedHash");
  }
}
