package dev.signet.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.signet.core.crypto.Jwks;
import dev.signet.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/** Reads files, standard input and URLs into JSON, strictly: one document, no duplicate keys. */
final class Inputs {

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  // A verifier should not guess: duplicate keys are read differently by different parsers, and
  // text after the document is not part of what was signed.
  private static final ObjectReader STRICT =
      Json.MAPPER
          .readerFor(JsonNode.class)
          .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Inputs() {}

  /** The bytes of FILE, or of standard input for "-". */
  static byte[] read(String file) {
    try {
      if ("-".equals(file)) {
        try (InputStream in = System.in) {
          return in.readAllBytes();
        }
      }
      return Files.readAllBytes(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new CliException("no such file: " + file, e);
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static JsonNode json(byte[] bytes, String source) {
    try {
      JsonNode node = STRICT.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw new CliException(source + " is empty, expected JSON");
      }
      return node;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
      throw new CliException(
          source + " is not valid JSON: " + firstLine(e.getOriginalMessage()) + where, e);
    } catch (IOException e) {
      throw new CliException("cannot read " + source + ": " + e.getMessage(), e);
    }
  }

  static JsonNode json(String file) {
    return json(read(file), "-".equals(file) ? "standard input" : file);
  }

  /** A JWKS from a file or an http(s) URL; a single JWK object is accepted as a set of one. */
  static Jwks jwks(String fileOrUrl) {
    boolean remote = fileOrUrl.startsWith("http://") || fileOrUrl.startsWith("https://");
    JsonNode document = remote ? json(get(fileOrUrl, null, null), fileOrUrl) : json(fileOrUrl);
    if (document.isObject() && document.has("kty") && !document.has("keys")) {
      document =
          Json.MAPPER.createObjectNode().set("keys", Json.MAPPER.createArrayNode().add(document));
    }
    Jwks jwks;
    try {
      jwks = Jwks.parse(document);
    } catch (IllegalArgumentException e) {
      throw new CliException("the JWKS from " + fileOrUrl + " is not usable: " + e.getMessage(), e);
    }
    if (jwks.keys().isEmpty()) {
      throw new CliException("the JWKS from " + fileOrUrl + " lists no OKP/Ed25519 key");
    }
    return jwks;
  }

  /** GETs a URL and returns the body of a 200 response; anything else is a {@link CliException}. */
  static byte[] get(String url, String headerName, String headerValue) {
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).GET();
    } catch (IllegalArgumentException e) {
      throw new CliException("not a valid URL: " + url, e);
    }
    if (headerName != null) {
      request.header(headerName, headerValue);
    }
    request.header("Accept", "application/json");
    HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    HttpResponse<byte[]> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new CliException("GET " + url + " failed: " + reason, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("GET " + url + " was interrupted", e);
    }
    if (response.statusCode() != 200) {
      throw new CliException(
          "GET " + url + " answered HTTP " + response.statusCode() + problem(response.body()));
    }
    return response.body();
  }

  /** The useful part of an RFC 9457 problem body, if the server sent one. */
  private static String problem(byte[] body) {
    try {
      JsonNode problem = Json.parse(body);
      StringBuilder out = new StringBuilder();
      for (String field : new String[] {"code", "title", "detail"}) {
        if (problem.hasNonNull(field)) {
          out.append(out.length() == 0 ? ": " : ", ").append(problem.get(field).asText());
        }
      }
      return out.toString();
    } catch (RuntimeException e) {
      String text = new String(body, StandardCharsets.UTF_8).strip();
      return text.isEmpty() ? "" : ": " + firstLine(text);
    }
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int newline = text.indexOf('\n');
    String line = newline < 0 ? text : text.substring(0, newline);
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }
}
