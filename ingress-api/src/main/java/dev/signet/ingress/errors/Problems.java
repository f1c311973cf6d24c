package dev.signet.ingress.errors;

import dev.signet.core.error.ErrorCode;
import dev.signet.core.error.Problem;
import dev.signet.core.json.Json;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Problem responses with the same body the processor writes for its rejections. */
public final class Problems {

  public static final MediaType PROBLEM_JSON = MediaType.parseMediaType(Problem.MEDIA_TYPE);

  private Problems() {}

  public static ResponseEntity<byte[]> response(ErrorCode code, String detail) {
    return ResponseEntity.status(code.status()).contentType(PROBLEM_JSON).body(Json.toBytes(Problem.of(code, detail)));
  }
}
