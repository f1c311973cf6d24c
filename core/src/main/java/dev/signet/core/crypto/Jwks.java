package dev.signet.core.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.core.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A JSON Web Key Set of OKP/Ed25519 keys: the active key first, then retired ones. */
public record Jwks(List<PublicKey> keys) {

  public Jwks {
    keys = List.copyOf(keys);
  }

  public static Jwks of(PublicKey active, List<PublicKey> retired) {
    Map<String, PublicKey> byKid = new LinkedHashMap<>();
    byKid.put(active.kid(), active);
    retired.forEach(key -> byKid.putIfAbsent(key.kid(), key));
    return new Jwks(new ArrayList<>(byKid.values()));
  }

  public Optional<PublicKey> find(String kid) {
    return keys.stream().filter(key -> key.kid().equals(kid)).findFirst();
  }

  public ObjectNode toJson() {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ArrayNode array = root.putArray("keys");
    for (PublicKey key : keys) {
      array
          .addObject()
          .put("kty", "OKP")
          .put("crv", "Ed25519")
          .put("kid", key.kid())
          .put("x", key.x())
          .put("alg", "EdDSA")
          .put("use", "sig");
    }
    return root;
  }

  /** Reads a JWKS document, keeping the OKP/Ed25519 keys and ignoring any others. */
  public static Jwks parse(JsonNode document) {
    JsonNode array = document.path("keys");
    if (!array.isArray()) {
      throw new IllegalArgumentException("a JWKS document has a \"keys\" array");
    }
    List<PublicKey> keys = new ArrayList<>();
    for (JsonNode jwk : array) {
      if ("OKP".equals(jwk.path("kty").asText()) && "Ed25519".equals(jwk.path("crv").asText())) {
        keys.add(
            new PublicKey(
                jwk.path("kid").asText(), Base64Url.decodeLenient(jwk.path("x").asText())));
      }
    }
    return new Jwks(keys);
  }

  public static Jwks parse(String json) {
    return parse(Json.parse(json));
  }
}
