package dev.signet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.signet.core.crypto.Hashes;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.crypto.KeyParser;
import dev.signet.core.crypto.PublicKey;
import dev.signet.core.crypto.SigningKey;
import dev.signet.core.json.Canonical;
import dev.signet.core.json.Json;
import dev.signet.core.receipt.ExportBundle;
import dev.signet.core.receipt.Policy;
import dev.signet.core.receipt.Receipt;
import dev.signet.core.receipt.ReceiptIssuer;
import dev.signet.core.receipt.ReceiptTimestamps;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignetCliTest {

  private static final SigningKey KEY = new SigningKey("signet-test-1", filled(0x01));
  private static final SigningKey OTHER = new SigningKey("signet-test-2", filled(0x02));

  @TempDir Path dir;

  private HttpServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void shouldPrintValidForAnUntouchedChainAndSaySignaturesWereNotChecked() throws IOException {
    Path file = write("chain.json", Json.toText(chain(3)));

    Run run = run("verify", "chain", file.toString());

    assertThat(run.exitCode).isZero();
    assertThat(run.out.lines().findFirst()).contains("valid");
    assertThat(run.out).contains("3 receipts").contains("signatures NOT verified");
  }

  @Test
  void shouldVerifySignaturesAgainstAJwksFile() throws IOException {
    Path file = write("chain.json", Json.toText(chain(3)));
    Path jwks = write("jwks.json", jwks(KEY).toJson().toString());

    Run run = run("verify", "chain", file.toString(), "--jwks", jwks.toString());

    assertThat(run.exitCode).isZero();
    assertThat(run.out).startsWith("valid").contains("Ed25519 signatures against 1 key");
  }

  @Test
  void shouldReportTheHopAndCheckOfAOneCharacterTamper() throws IOException {
    String text = Json.toText(chain(5));
    // hop 4's document says 400; make it say 900.
    String tampered = text.replace("\\\"amount\\\":400", "\\\"amount\\\":900");
    assertThat(tampered).isNotEqualTo(text);
    Path file = write("chain.json", tampered);

    Run run = run("verify", "chain", file.toString());

    assertThat(run.exitCode).isEqualTo(SignetCli.INVALID);
    assertThat(run.out).startsWith("invalid: receipt #4 (hop 4): CID_MISMATCH: ");
  }

  @Test
  void shouldReportAForgedSignatureWhenKeysAreGiven() throws IOException {
    List<JsonNode> chain = chain(3);
    ((ObjectNode) chain.get(1).get("signature"))
        .put("sig", OTHER.signText(chain.get(1).get("receipt_hash").asText()));
    Path file = write("chain.json", Json.toText(chain));
    Path jwks = write("jwks.json", jwks(KEY).toJson().toString());

    Run withoutKeys = run("verify", "chain", file.toString());
    Run withKeys = run("verify", "chain", file.toString(), "--jwks", jwks.toString());

    assertThat(withoutKeys.exitCode).isZero();
    assertThat(withKeys.exitCode).isEqualTo(SignetCli.INVALID);
    assertThat(withKeys.out).startsWith("invalid: receipt #2 (hop 2): SIGNATURE_INVALID");
  }

  @Test
  void shouldReadAChainFromAnObjectWithAChainArray() throws IOException {
    ObjectNode document = Json.MAPPER.createObjectNode();
    document.putArray("chain").addAll(chain(2));
    Path file = write("chain.json", document.toString());

    assertThat(run("verify", "chain", file.toString()).exitCode).isZero();
  }

  @Test
  void shouldVerifyASingleReceipt() throws IOException {
    Path file = write("receipt.json", chain(2).get(1).toString());
    Path jwks = write("jwks.json", jwks(KEY).toJson().toString());

    Run run = run("verify", "receipt", file.toString(), "--jwks", jwks.toString());

    assertThat(run.exitCode).isZero();
    assertThat(run.out).startsWith("valid").contains("1 receipt;");
  }

  @Test
  void shouldVerifyABundleAndReportATamperedExportTime() throws IOException {
    ObjectNode bundle =
        ExportBundle.create("trace-cli", chain(4), Instant.parse("2025-01-27T13:00:00Z"), KEY);
    Path good = write("bundle.json", bundle.toPrettyString());
    Path bad = write("bad.json", bundle.toPrettyString().replace("13:00:00.000Z", "13:00:01.000Z"));
    Path jwks = write("jwks.json", jwks(KEY).toJson().toString());

    Run valid = run("verify", "bundle", good.toString(), "--jwks", jwks.toString());
    Run invalid = run("verify", "bundle", bad.toString(), "--jwks", jwks.toString());

    assertThat(valid.exitCode).isZero();
    assertThat(valid.out).startsWith("valid").contains("4 receipts").contains("bundle_cid");
    assertThat(invalid.exitCode).isEqualTo(SignetCli.INVALID);
    assertThat(invalid.out).startsWith("invalid: bundle: BUNDLE_CID_MISMATCH");
  }

  @Test
  void shouldReportWhichReceiptOfABundleWasTamperedWith() throws IOException {
    ObjectNode bundle =
        ExportBundle.create("trace-cli", chain(4), Instant.parse("2025-01-27T13:00:00Z"), KEY);
    ObjectNode second = (ObjectNode) bundle.get("chain").get(1);
    second.put("tenant", "globex");
    Path file = write("bundle.json", bundle.toString());

    Run run = run("verify", "bundle", file.toString());

    assertThat(run.exitCode).isEqualTo(SignetCli.INVALID);
    assertThat(run.out).startsWith("invalid: receipt #2 (hop 2): RECEIPT_HASH_MISMATCH");
  }

  @Test
  void shouldRejectABundleSignedWithAKeyTheJwksLacks() throws IOException {
    ObjectNode bundle =
        ExportBundle.create("trace-cli", chain(2), Instant.parse("2025-01-27T13:00:00Z"), KEY);
    Path file = write("bundle.json", bundle.toString());
    Path jwks = write("jwks.json", jwks(OTHER).toJson().toString());

    Run run = run("verify", "bundle", file.toString(), "--jwks", jwks.toString());

    assertThat(run.exitCode).isEqualTo(SignetCli.INVALID);
    assertThat(run.out).contains("KID_UNKNOWN").contains("signet-test-1");
  }

  @Test
  void shouldFetchTheJwksFromAUrl() throws IOException {
    String jwks = Jwks.of(OTHER.publicKey(), List.of(KEY.publicKey())).toJson().toString();
    String base = serve(Map.of("/.well-known/jwks.json", jwks), new AtomicReference<>());
    Path file = write("chain.json", Json.toText(chain(2)));

    Run run = run("verify", "chain", file.toString(), "--jwks", base + "/.well-known/jwks.json");

    assertThat(run.exitCode).isZero();
    assertThat(run.out).contains("against 2 keys from " + base);
  }

  @Test
  void shouldExportABundleWithTheApiKeyAndSaveIt() throws IOException {
    ObjectNode bundle =
        ExportBundle.create(
            "trace/1 a", chain(3, "trace/1 a"), Instant.parse("2025-01-27T13:00:00Z"), KEY);
    AtomicReference<String> apiKey = new AtomicReference<>();
    String base =
        serve(
            Map.of(
                "/v1/receipts/export/trace%2F1%20a",
                bundle.toString(), "/.well-known/jwks.json", jwks(KEY).toJson().toString()),
            apiKey);
    Path saved = dir.resolve("saved.json");

    Run export =
        run("export", "trace/1 a", "--url", base, "--api-key", "sk-test", "-o", saved.toString());
    Run verify =
        run("verify", "bundle", saved.toString(), "--jwks", base + "/.well-known/jwks.json");

    assertThat(export.exitCode).as(export.err).isZero();
    assertThat(apiKey.get()).isEqualTo("sk-test");
    assertThat(Files.readString(saved)).isEqualTo(bundle.toString());
    assertThat(export.err).contains("3 receipts");
    assertThat(verify.exitCode).isZero();
  }

  @Test
  void shouldReportAnHttpErrorOfTheExport() {
    String base = serve(Map.of(), new AtomicReference<>());

    Run run = run("export", "missing", "--url", base, "--api-key", "sk-test");

    assertThat(run.exitCode).isEqualTo(SignetCli.ERROR);
    assertThat(run.err).contains("HTTP 404").contains("NOT_FOUND");
  }

  @Test
  void shouldPrintTheCanonicalTextExactly() throws IOException {
    Path file =
        write(
            "doc.json",
            "{ \"b\": [1.0, 2e1, \"\\u00e9\"],\n \"a\": {\"y\": null, \"x\": true} }\n");

    Run run = run("canonicalize", file.toString());

    assertThat(run.exitCode).isZero();
    assertThat(run.out).isEqualTo("{\"a\":{\"x\":true,\"y\":null},\"b\":[1,20,\"\u00e9\"]}");
  }

  @Test
  void shouldPrintAKeyWhoseSeedSignsAndWhoseJwkVerifies() {
    Run run = run("keygen", "--kid", "signet-2025-01", "--pem");

    assertThat(run.exitCode).isZero();
    Map<String, String> env =
        run.out
            .lines()
            .filter(line -> !line.startsWith("#") && line.contains("="))
            .collect(
                Collectors.toMap(
                    l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
    assertThat(env).containsEntry("SP_KID", "signet-2025-01");
    SigningKey key = KeyParser.parse(env.get("SP_KID"), env.get("SP_PRIVATE_KEY_B64"));
    String jwkLine =
        run.out.lines().filter(l -> l.startsWith("# {")).findFirst().orElseThrow().substring(2);
    PublicKey published =
        Jwks.parse("{\"keys\":[" + jwkLine + "]}").find("signet-2025-01").orElseThrow();
    String pem =
        run.out
            .lines()
            .filter(l -> l.startsWith("# -----") || l.matches("# [A-Za-z0-9+/=]+"))
            .map(l -> l.substring(2))
            .collect(Collectors.joining("\n"));

    String publicJwks = env.get("SP_PUBLIC_JWKS");
    PublicKey configured =
        Jwks.parse(publicJwks.substring(1, publicJwks.length() - 1))
            .find("signet-2025-01")
            .orElseThrow();

    String signature = key.signText("sha256:00");
    assertThat(published.verifyText("sha256:00", signature)).isTrue();
    assertThat(configured.verifyText("sha256:00", signature)).isTrue();
    assertThat(KeyParser.parse("k", pem).seed()).isEqualTo(key.seed());
  }

  @Test
  void shouldPrintAKeyAsJson() {
    Run run = run("keygen", "--json");

    JsonNode key = Json.parse(run.out);
    SigningKey parsed = KeyParser.parse(key.get("kid").asText(), key.get("seed").asText());
    assertThat(run.exitCode).isZero();
    assertThat(key.get("kid").asText()).startsWith("signet-");
    assertThat(key.get("jwk").get("x").asText()).isEqualTo(parsed.publicKey().x());
  }

  @Test
  void shouldPrintAProgressLineForMoreThanAThousandReceipts() throws IOException {
    ArrayNode many = Json.MAPPER.createArrayNode();
    List<JsonNode> chain = chain(1);
    for (int i = 0; i < 1001; i++) {
      many.add(chain.get(0));
    }
    Path file = write("many.json", many.toString());

    Run run = run("verify", "chain", file.toString());

    assertThat(run.err).contains("verifying 1001 receipts");
    assertThat(run.exitCode).isEqualTo(SignetCli.INVALID);
    assertThat(run.out).contains("CHAIN_TOO_LONG");
  }

  @Test
  void shouldExitWithTwoOnUsageAndInputErrors() throws IOException {
    Path notJson = write("bad.json", "{\"trace_id\": ");
    Path duplicate = write("dup.json", "{\"a\": 1, \"a\": 2}");
    Path notAChain = write("object.json", "{\"a\": 1}");
    Path loneSurrogate = write("lone.json", "[\"\\ud800\"]");

    assertThat(run().exitCode).isEqualTo(SignetCli.ERROR);
    assertThat(run("verify").exitCode).isEqualTo(SignetCli.ERROR);
    assertThat(run("verify", "chain").exitCode).isEqualTo(SignetCli.ERROR);
    assertThat(run("frobnicate").exitCode).isEqualTo(SignetCli.ERROR);
    Run missing = run("verify", "chain", dir.resolve("nope.json").toString());
    assertThat(missing.exitCode).isEqualTo(SignetCli.ERROR);
    assertThat(missing.err).contains("no such file");
    Run malformed = run("verify", "bundle", notJson.toString());
    assertThat(malformed.exitCode).isEqualTo(SignetCli.ERROR);
    assertThat(malformed.err).contains("is not valid JSON");
    assertThat(run("canonicalize", duplicate.toString()).err).contains("Duplicate field 'a'");
    assertThat(run("verify", "chain", notAChain.toString()).err).contains("neither a JSON array");
    Run lone = run("canonicalize", loneSurrogate.toString());
    assertThat(lone.exitCode).isEqualTo(SignetCli.ERROR);
    assertThat(lone.err).contains("lone surrogate");
    assertThat(run("export", "t", "--url", "http://127.0.0.1:9", "--api-key", "").exitCode)
        .isEqualTo(SignetCli.ERROR);
  }

  @Test
  void shouldPrintHelpWithExitZero() {
    Run top = run("--help");
    Run verify = run("verify", "bundle", "--help");

    assertThat(top.exitCode).isZero();
    assertThat(top.out)
        .contains("verify")
        .contains("canonicalize")
        .contains("keygen")
        .contains("export");
    assertThat(verify.exitCode).isZero();
    assertThat(verify.out).contains("--jwks");
  }

  // ---------------------------------------------------------------------------------------------

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode =
        SignetCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  /**
   * Serves fixed JSON bodies by path and records the API key header; anything else is a 404
   * problem.
   */
  private String serve(Map<String, String> bodies, AtomicReference<String> apiKey) {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          if (exchange.getRequestURI().getRawPath().startsWith("/v1/")) {
            apiKey.set(exchange.getRequestHeaders().getFirst(ExportCommand.API_KEY_HEADER));
          }
          String body = bodies.get(exchange.getRequestURI().getRawPath());
          int status = body == null ? 404 : 200;
          if (body == null) {
            body =
                "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"code\":\"NOT_FOUND\"}";
          }
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange
              .getResponseHeaders()
              .add("Content-Type", status == 200 ? "application/json" : "application/problem+json");
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static List<JsonNode> chain(int hops) {
    return chain(hops, "trace-cli");
  }

  private static List<JsonNode> chain(int hops, String trace) {
    List<JsonNode> chain = new ArrayList<>();
    String prev = null;
    for (int hop = 1; hop <= hops; hop++) {
      String canon =
          Canonical.canonicalize(
              "{\"invoice_id\":\"INV-" + hop + "\",\"amount\":" + hop * 100 + "}");
      Receipt unsealed =
          new Receipt(
              trace,
              hop,
              ReceiptTimestamps.format(Instant.parse("2025-01-27T12:00:00Z").plusSeconds(hop)),
              "acme",
              Hashes.sha256(canon),
              canon,
              Receipt.ALGO,
              prev,
              Policy.allowed("ok"),
              "invoice.v1",
              "invoice.v1",
              null,
              null,
              null,
              null,
              null);
      Receipt sealed = new ReceiptIssuer(KEY).seal(unsealed);
      prev = sealed.receiptHash();
      chain.add(Json.tree(sealed));
    }
    return chain;
  }

  private static Jwks jwks(SigningKey key) {
    return Jwks.of(key.publicKey(), List.of());
  }

  private static byte[] filled(int value) {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) value);
    return seed;
  }
}
