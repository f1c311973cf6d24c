package dev.signet.ingress.fuzz;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates hostile requests from a seeded {@link Random}: mutations of a valid exchange
 * (truncated, flipped bytes, huge numbers, deep nesting, wrong types, invalid UTF-8, duplicate
 * members, lone surrogates), odd content types and accept headers, missing, duplicated and very
 * long keys and headers, odd methods and paths. The same seed gives the same requests, so a failure
 * replays.
 */
final class FuzzRequests {

  /** One request; {@code why} names the mutations, for the failure report. */
  record FuzzRequest(String method, String path, List<String[]> headers, byte[] body, String why) {}

  static final String VALID_KEY = "fuzz_key";

  private static final String[] CONTENT_TYPES = {
    "application/json",
    "application/json; charset=utf-8",
    "application/json; charset=utf-16",
    "application/problem+json",
    "application/merge-patch+json",
    "text/plain",
    "text/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "application/xml",
    "application/json;;;",
    "application/",
    "*/*",
    "garbage",
    "application/json; charset=\"unterminated",
    "application/json; q=abc",
  };

  private static final String[] ACCEPTS = {
    "application/json",
    "*/*",
    "text/html",
    "application/xml",
    "text/csv",
    "application/json;q=0",
    "application/problem+json",
    "///",
    "text/*;q=0.5, application/*;q=0.1",
    "application/json; q=1.5",
  };

  private static final String[] METHODS = {
    "GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "FOO", "PROPFIND", "SEARCH"
  };

  private static final String[] PATHS = {
    "/v1/exchange",
    "/v1/exchange/",
    "/v1/exchange/x",
    "/v1/receipts/chain/%s",
    "/v1/receipts/chain/%s?after_hop=%s&limit=%s",
    "/v1/receipts/export/%s",
    "/v1/export/bundle",
    "/v1/billing/usage?period=%s",
    "/v1/billing/charges?period=%s",
    "/v1/admin/reload-reserved",
    "/v1/types",
    "/.well-known/jwks.json",
    "/v1/%s",
    "/%s",
    "/v1/receipts/chain/",
    "/error",
  };

  private static final String[] ODD_TEXT = {
    "",
    " ",
    "-1",
    "0",
    "abc",
    "1e9",
    "99999999999999999999",
    "2026-13",
    "2026-1",
    "%FF",
    "%00",
    "..%2F..%2Fetc",
    "%E2%80%AE",
    "%ZZ",
    "a%20b",
    "t-1",
    "%C0%AF",
    "null",
    "[]",
  };

  private final Random random;
  private final String validBody;

  FuzzRequests(long seed, String validBody) {
    this.random = new Random(seed);
    this.validBody = validBody;
  }

  FuzzRequest next(int index) {
    int kind = random.nextInt(100);
    if (kind < 55) {
      return exchange(index);
    }
    if (kind < 75) {
      return otherEndpoint();
    }
    if (kind < 88) {
      return oddMethod();
    }
    return exportBundle();
  }

  /** A POST /v1/exchange whose body and headers are mutated, now and then left valid. */
  private FuzzRequest exchange(int index) {
    List<String> why = new ArrayList<>();
    byte[] body = random.nextInt(10) == 0 ? bytes(validBody) : mutatedBody(why);
    List<String[]> headers = new ArrayList<>();
    apiKey(headers, why);
    idempotencyKey(headers, why, index);
    contentType(headers, why);
    accept(headers, why);
    oddHeaders(headers, why);
    return new FuzzRequest("POST", "/v1/exchange", headers, body, String.join(", ", why));
  }

  private FuzzRequest exportBundle() {
    List<String> why = new ArrayList<>();
    byte[] body =
        switch (random.nextInt(6)) {
          case 0 -> bytes("{\"trace_id\":\"" + oddText() + "\"}");
          case 1 -> bytes("{\"trace_id\":" + random.nextLong() + "}");
          case 2 -> bytes("{\"trace_id\":[\"t-1\"]}");
          case 3 -> mutatedBody(why);
          case 4 -> randomBytes(random.nextInt(200));
          default -> bytes("{\"trace_id\":\"" + "x".repeat(random.nextInt(5000)) + "\"}");
        };
    List<String[]> headers = new ArrayList<>();
    apiKey(headers, why);
    contentType(headers, why);
    accept(headers, why);
    return new FuzzRequest("POST", "/v1/export/bundle", headers, body, String.join(", ", why));
  }

  private FuzzRequest otherEndpoint() {
    List<String> why = new ArrayList<>();
    String template = PATHS[random.nextInt(PATHS.length)];
    String path = template;
    while (path.contains("%s")) {
      path = path.replaceFirst("%s", java.util.regex.Matcher.quoteReplacement(oddText()));
    }
    List<String[]> headers = new ArrayList<>();
    apiKey(headers, why);
    accept(headers, why);
    oddHeaders(headers, why);
    String method = random.nextBoolean() ? "GET" : "POST";
    byte[] body = method.equals("POST") ? randomBytes(random.nextInt(64)) : new byte[0];
    return new FuzzRequest(method, path, headers, body, "path " + path + " " + why);
  }

  private FuzzRequest oddMethod() {
    String method = METHODS[random.nextInt(METHODS.length)];
    String path = PATHS[random.nextInt(4)].replace("%s", "t-1").replace("?after_hop=t-1", "");
    List<String[]> headers = new ArrayList<>();
    List<String> why = new ArrayList<>();
    apiKey(headers, why);
    accept(headers, why);
    byte[] body = method.equals("GET") || method.equals("HEAD") ? new byte[0] : bytes(validBody);
    return new FuzzRequest(method, path, headers, body, method + " " + path + " " + why);
  }

  // --- bodies ---

  private byte[] mutatedBody(List<String> why) {
    byte[] body = bytes(validBody);
    int mutations = 1 + random.nextInt(3);
    for (int i = 0; i < mutations; i++) {
      body = mutate(body, why);
    }
    return body;
  }

  private byte[] mutate(byte[] body, List<String> why) {
    String text = new String(body, UTF_8);
    switch (random.nextInt(16)) {
      case 0 -> {
        why.add("truncated");
        return java.util.Arrays.copyOf(body, body.length == 0 ? 0 : random.nextInt(body.length));
      }
      case 1 -> {
        why.add("byte flips");
        byte[] flipped = body.clone();
        for (int i = 0; i < 1 + random.nextInt(5) && flipped.length > 0; i++) {
          flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return flipped;
      }
      case 2 -> {
        String number = hugeNumber();
        why.add("number " + number);
        return bytes(
            text.replace("\\\"amount\\\":10", "\\\"amount\\\":" + number)
                .replaceFirst("\"payload\":", "\"n\":" + number + ",\"payload\":"));
      }
      case 3 -> {
        int depth = 1 + random.nextInt(random.nextBoolean() ? 80 : 3000);
        why.add("depth " + depth);
        return bytes(
            text.replaceFirst(
                "\"payload\":",
                "\"deep\":" + "[".repeat(depth) + "1" + "]".repeat(depth) + ",\"payload\":"));
      }
      case 4 -> {
        String field =
            pick(
                "payload_type",
                "target_type",
                "payload",
                "trace_id",
                "forward_url",
                "expected_prev_receipt_hash",
                "tool_calls",
                "arguments",
                "function",
                "name");
        String value =
            pick(
                "1",
                "-1.5",
                "true",
                "null",
                "[]",
                "{}",
                "[1,2]",
                "\"\"",
                "{\"a\":{}}",
                "\"x\"",
                "1e308",
                "[[[]]]");
        why.add("wrong type " + field + "=" + value);
        return bytes(
            text.replaceFirst("\"" + field + "\":", "\"" + field + "\":" + value + ",\"was\":"));
      }
      case 5 -> {
        why.add("invalid UTF-8");
        byte[][] bad = {
          {(byte) 0xC3, 0x28},
          {(byte) 0xFF},
          {(byte) 0xC0, (byte) 0xAF},
          {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
          {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
          {(byte) 0x80}
        };
        return insert(body, bad[random.nextInt(bad.length)]);
      }
      case 6 -> {
        why.add("duplicate member");
        return bytes(text.replaceFirst("\\{", "{\"payload_type\":\"dup\","));
      }
      case 7 -> {
        why.add("trailing data");
        return bytes(text + pick("}", "x", "[]", " {}", "\u0000", ",", "\n\n1"));
      }
      case 8 -> {
        String trace =
            pick(
                "",
                " ",
                "a b",
                "x".repeat(129),
                "x".repeat(5000),
                "t\u00e9",
                "../../etc/passwd",
                "t-\u202e",
                "\\u0000",
                "t%00",
                "\\ud800",
                "t:1.2_3-4");
        why.add("trace_id " + abbreviate(trace));
        return bytes(text.replaceFirst("\\{", "{\"trace_id\":\"" + trace + "\","));
      }
      case 9 -> {
        why.add("random bytes");
        return randomBytes(random.nextInt(2000));
      }
      case 10 -> {
        String whole =
            pick(
                "",
                " ",
                "null",
                "[]",
                "\"str\"",
                "1",
                "{}",
                "{\"payload\":{}}",
                "\ufeff" + text,
                "[" + text + "]",
                text + text);
        why.add("whole body " + abbreviate(whole));
        return bytes(whole);
      }
      case 11 -> {
        why.add("lone surrogate escape");
        return bytes(
            text.replace(
                "INV-7",
                pick(
                    "\\ud800",
                    "\\udc00x",
                    "\\ud800\\ud800",
                    "\\u0000",
                    "\\uFFFF",
                    "\\uD83D\\uDE00")));
      }
      case 12 -> {
        String url =
            pick(
                "http://127.0.0.1/",
                "file:///etc/passwd",
                "https://[::1]:99999/",
                "https://user:pw@example.com/",
                "https://example.com:0/",
                "javascript:alert(1)",
                "https://" + "a".repeat(300) + ".com/",
                "https://10.0.0.1/",
                "",
                "https://\u0000/",
                "https://exa mple.com/");
        why.add("forward_url " + abbreviate(url));
        return bytes(text.replaceFirst("\\{", "{\"forward_url\":" + jsonString(url) + ","));
      }
      case 13 -> {
        String hash = pick("", "sha256:", "sha256:" + "0".repeat(64), "x".repeat(1000), "null");
        why.add("expected_prev " + abbreviate(hash));
        return bytes(
            text.replaceFirst("\\{", "{\"expected_prev_receipt_hash\":" + jsonString(hash) + ","));
      }
      case 14 -> {
        int size = random.nextBoolean() ? random.nextInt(10_000) : 300_000;
        why.add("long string " + size);
        return bytes(text.replace("API usage", "y".repeat(size)));
      }
      default -> {
        String type =
            pick(
                "openai.tooluse.invoice.v1",
                "invoice.iso20022.v1",
                "",
                "x",
                "openai.tooluse.invoice.v2",
                "\u00e9",
                "a".repeat(1000));
        why.add("payload_type " + abbreviate(type));
        return bytes(text.replace("openai.tooluse.invoice.v1", type));
      }
    }
  }

  private String hugeNumber() {
    return pick(
        "1e999999",
        "123456789012345678901234567890",
        "-0",
        "1E400",
        "0.1e-400",
        "9007199254740993",
        "-9007199254740993",
        "0.30000000000000004",
        "1" + "0".repeat(5000),
        "0." + "1".repeat(400),
        "NaN",
        "Infinity",
        "-",
        "01",
        "1.",
        ".5",
        "+1",
        "0x10",
        "1e-7");
  }

  // --- headers ---

  private void apiKey(List<String[]> headers, List<String> why) {
    switch (random.nextInt(12)) {
      case 0 -> why.add("no key");
      case 1 -> {
        why.add("wrong key");
        headers.add(new String[] {"X-SIGNET-API-Key", "nope"});
      }
      case 2 -> {
        why.add("duplicate key headers");
        headers.add(new String[] {"X-SIGNET-API-Key", VALID_KEY});
        headers.add(new String[] {"X-SIGNET-API-Key", "nope"});
      }
      case 3 -> {
        why.add("long key");
        headers.add(new String[] {"X-SIGNET-API-Key", "k".repeat(random.nextInt(7000))});
      }
      case 4 -> {
        why.add("legacy key header");
        headers.add(new String[] {"X-ODIN-API-Key", VALID_KEY});
      }
      case 5 -> {
        why.add("blank key");
        headers.add(new String[] {"X-SIGNET-API-Key", " "});
      }
      default -> headers.add(new String[] {"X-SIGNET-API-Key", VALID_KEY});
    }
  }

  private void idempotencyKey(List<String[]> headers, List<String> why, int index) {
    switch (random.nextInt(12)) {
      case 0 -> why.add("no idempotency key");
      case 1 -> {
        String key = pick("a b", "x".repeat(256), "x".repeat(6000), "\t", "k\u00e9", "", "\"");
        why.add("idempotency key " + abbreviate(key));
        headers.add(new String[] {"X-SIGNET-Idempotency-Key", key});
      }
      case 2 -> {
        why.add("duplicate idempotency keys");
        headers.add(new String[] {"X-SIGNET-Idempotency-Key", "dup-" + index});
        headers.add(new String[] {"X-SIGNET-Idempotency-Key", "dup2-" + index});
      }
      case 3 -> {
        // Reused across requests with other bodies: replays and conflicts.
        why.add("reused idempotency key");
        headers.add(new String[] {"X-SIGNET-Idempotency-Key", "reused-" + random.nextInt(5)});
      }
      case 4 -> {
        why.add("legacy idempotency header");
        headers.add(new String[] {"X-ODIN-Idempotency-Key", "odin-" + index});
      }
      default -> headers.add(new String[] {"X-SIGNET-Idempotency-Key", "fuzz-" + index});
    }
  }

  private void contentType(List<String[]> headers, List<String> why) {
    int choice = random.nextInt(CONTENT_TYPES.length + 6);
    if (choice < CONTENT_TYPES.length) {
      if (choice > 0) {
        why.add("content-type " + CONTENT_TYPES[choice]);
      }
      headers.add(new String[] {"Content-Type", CONTENT_TYPES[choice]});
    } else if (choice == CONTENT_TYPES.length) {
      why.add("no content-type");
    } else if (choice == CONTENT_TYPES.length + 1) {
      why.add("two content-types");
      headers.add(new String[] {"Content-Type", "application/json"});
      headers.add(new String[] {"Content-Type", "text/plain"});
    } else {
      headers.add(new String[] {"Content-Type", "application/json"});
    }
  }

  private void accept(List<String[]> headers, List<String> why) {
    if (random.nextInt(3) == 0) {
      String accept = ACCEPTS[random.nextInt(ACCEPTS.length)];
      why.add("accept " + accept);
      headers.add(new String[] {"Accept", accept});
    }
  }

  private void oddHeaders(List<String[]> headers, List<String> why) {
    switch (random.nextInt(10)) {
      case 0 -> {
        int size = random.nextBoolean() ? random.nextInt(4000) : 9000 + random.nextInt(20_000);
        why.add("long header " + size);
        headers.add(new String[] {"X-Filler", "f".repeat(size)});
      }
      case 1 -> {
        why.add("many headers");
        for (int i = 0; i < 50 + random.nextInt(100); i++) {
          headers.add(new String[] {"X-Many-" + i, Integer.toString(i)});
        }
      }
      case 2 -> {
        why.add("trace headers sent in");
        headers.add(new String[] {"X-SIGNET-Trace", "forged-trace"});
      }
      default -> {}
    }
  }

  // --- helpers ---

  private String oddText() {
    return random.nextInt(4) == 0
        ? Integer.toString(random.nextInt(2000) - 1000)
        : ODD_TEXT[random.nextInt(ODD_TEXT.length)];
  }

  private String pick(String... options) {
    return options[random.nextInt(options.length)];
  }

  private byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private byte[] insert(byte[] body, byte[] bytes) {
    int at = body.length == 0 ? 0 : random.nextInt(body.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + bytes.length);
    out.write(body, 0, at);
    out.writeBytes(bytes);
    out.write(body, at, body.length - at);
    return out.toByteArray();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  private static String jsonString(String text) {
    return dev.signet.core.json.Json.toText(text);
  }

  private static String abbreviate(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "…(" + text.length() + ")" : text;
  }
}
