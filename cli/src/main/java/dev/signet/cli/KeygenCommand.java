package dev.signet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.crypto.Base64Url;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.KeyParser;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Json;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code signet keygen}: a new Ed25519 signing key in the forms Signet's configuration takes. */
@Command(
    name = "keygen",
    description = {
      "Generate an Ed25519 signing key for SP_PRIVATE_KEY_B64 and SP_KID.",
      "Prints the 32-byte seed (base64url), the kid and the public JWK in .env form",
      "(the JWK and the PEM on comment lines), or one JSON object with --json. Keep the seed secret."
    })
final class KeygenCommand implements Callable<Integer> {

  @Mixin HelpOption helpOption;

  @Option(
      names = "--kid",
      paramLabel = "KID",
      description = "Key id (default: signet-YYYYMMDD-<random hex>).")
  String kid;

  @Option(
      names = "--pem",
      description = "Also print the key as PKCS#8 PEM (SP_PRIVATE_KEY_B64 accepts it too).")
  boolean pem;

  @Option(names = "--json", description = "Print one JSON object {kid, seed, jwk[, pem]} instead.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    SigningKey key = SigningKey.generate(kid == null || kid.isBlank() ? defaultKid() : kid.strip());
    String seed = Base64Url.encode(key.seed());
    JsonNode jwk = Jwks.of(key.publicKey(), List.of()).toJson().get("keys").get(0);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode result = Json.MAPPER.createObjectNode();
      result.put("kid", key.kid());
      result.put("seed", seed);
      result.set("jwk", jwk);
      if (pem) {
        result.put("pem", KeyParser.toPem(key));
      }
      out.println(result.toPrettyString());
    } else {
      out.println("# Ed25519 signing key " + key.kid() + ": keep SP_PRIVATE_KEY_B64 secret");
      out.println("SP_PRIVATE_KEY_B64=" + seed);
      out.println("SP_KID=" + key.kid());
      // Quoted for compose's .env and a shell: the receipt store verifies with it and so needs no
      // private key.
      out.println("SP_PUBLIC_JWKS='{\"keys\":[" + jwk + "]}'");
      out.println(
          "# public JWK, listed at /.well-known/jwks.json; after a rotation keep it in SP_RETIRED_JWKS:");
      out.println("# " + jwk);
      if (pem) {
        out.println("# the same key as PKCS#8 PEM:");
        for (String line : KeyParser.toPem(key).split("\n")) {
          out.println("# " + line);
        }
      }
    }
    out.flush();
    return SignetCli.OK;
  }

  private static String defaultKid() {
    byte[] suffix = new byte[3];
    new SecureRandom().nextBytes(suffix);
    String date = LocalDate.now(ZoneOffset.UTC).toString().replace("-", "");
    return "signet-" + date + "-" + HexFormat.of().formatHex(suffix);
  }
}
