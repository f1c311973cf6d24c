package dev.signet.core.types;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The payload and target types (JSON Schemas, draft 2020-12) and the declarative mappings between
 * them, loaded from files: the built-ins on the classpath ({@code signet/types/<type>.schema.json},
 * {@code signet/mappings/<payload>--<target>.json}, listed in {@code signet/types.index}) plus an
 * optional directory ({@code SP_SCHEMA_DIR}) holding files of the same two kinds, which may add
 * pairs or replace built-ins. Only Jackson here: ingress lists the types, the processor compiles
 * and runs them.
 */
public final class TypeRegistry {

  public static final String ENV = "SP_SCHEMA_DIR";
  static final String SCHEMA_SUFFIX = ".schema.json";
  private static final String INDEX = "signet/types.index";

  private final Map<String, JsonNode> schemas;
  private final Map<TypePair, JsonNode> mappings;

  private TypeRegistry(Map<String, JsonNode> schemas, Map<TypePair, JsonNode> mappings) {
    this.schemas = Collections.unmodifiableMap(new LinkedHashMap<>(schemas));
    this.mappings = Collections.unmodifiableMap(new LinkedHashMap<>(mappings));
  }

  /** The built-in types and mappings only. */
  public static TypeRegistry builtIn() {
    return load(Optional.empty());
  }

  /**
   * The built-ins plus the files of {@code dir}; a missing directory, an unreadable file or a file
   * that is not a valid type or mapping fails with a message naming {@value #ENV}.
   */
  public static TypeRegistry load(Optional<Path> dir) {
    Map<String, JsonNode> schemas = new LinkedHashMap<>();
    Map<TypePair, JsonNode> mappings = new LinkedHashMap<>();
    for (String resource : classpathIndex()) {
      String name = resource.substring(resource.lastIndexOf('/') + 1);
      add(name, readResource("signet/" + resource), schemas, mappings, "classpath");
    }
    if (dir.isPresent()) {
      Path directory = dir.get();
      if (!Files.isDirectory(directory)) {
        throw new IllegalArgumentException(ENV + "=" + directory + " is not a directory");
      }
      for (Path file : jsonFiles(directory)) {
        JsonNode json;
        try {
          json = Json.MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException | RuntimeException e) {
          throw new IllegalArgumentException(
              ENV + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        add(file.getFileName().toString(), json, schemas, mappings, ENV);
      }
    }
    for (Map.Entry<TypePair, JsonNode> mapping : mappings.entrySet()) {
      TypePair pair = mapping.getKey();
      for (String type : requiredSchemas(mapping.getValue(), pair)) {
        if (!schemas.containsKey(type)) {
          throw new IllegalArgumentException(
              "mapping "
                  + pair.key()
                  + " needs the schema "
                  + type
                  + SCHEMA_SUFFIX
                  + " (classpath or "
                  + ENV
                  + ")");
        }
      }
    }
    return new TypeRegistry(schemas, mappings);
  }

  /** Supported pairs, in load order. */
  public List<TypePair> pairs() {
    return List.copyOf(mappings.keySet());
  }

  public boolean supports(String payloadType, String targetType) {
    return payloadType != null
        && targetType != null
        && mappings.containsKey(new TypePair(payloadType, targetType));
  }

  public Optional<JsonNode> schema(String type) {
    return Optional.ofNullable(schemas.get(type)).map(JsonNode::deepCopy);
  }

  public Optional<JsonNode> mapping(TypePair pair) {
    return Optional.ofNullable(mappings.get(pair)).map(JsonNode::deepCopy);
  }

  private static List<String> requiredSchemas(JsonNode mapping, TypePair pair) {
    List<String> types = new ArrayList<>(List.of(pair.payloadType(), pair.targetType()));
    JsonNode embedded = mapping.path("embedded").path("schema");
    if (embedded.isTextual()) {
      types.add(embedded.textValue());
    }
    return types;
  }

  private static void add(
      String name,
      JsonNode json,
      Map<String, JsonNode> schemas,
      Map<TypePair, JsonNode> mappings,
      String origin) {
    if (!json.isObject()) {
      throw new IllegalArgumentException(origin + ": " + name + " must hold a JSON object");
    }
    if (name.endsWith(SCHEMA_SUFFIX)) {
      schemas.put(name.substring(0, name.length() - SCHEMA_SUFFIX.length()), json);
      return;
    }
    JsonNode payload = json.get("payload_type");
    JsonNode target = json.get("target_type");
    if (payload == null || !payload.isTextual() || target == null || !target.isTextual()) {
      throw new IllegalArgumentException(
          origin
              + ": "
              + name
              + " is neither a *"
              + SCHEMA_SUFFIX
              + " nor a mapping with payload_type and target_type");
    }
    if (!json.path("map").isObject()) {
      throw new IllegalArgumentException(origin + ": mapping " + name + " needs a \"map\" object");
    }
    mappings.put(new TypePair(payload.textValue(), target.textValue()), json);
  }

  private static List<Path> jsonFiles(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      return files
          .filter(Files::isRegularFile)
          .filter(file -> file.getFileName().toString().endsWith(".json"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new IllegalArgumentException(ENV + ": cannot list " + directory, e);
    }
  }

  private static List<String> classpathIndex() {
    String index = new String(readBytes(INDEX), StandardCharsets.UTF_8);
    return index
        .lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }

  private static JsonNode readResource(String resource) {
    return Json.parse(readBytes(resource));
  }

  private static byte[] readBytes(String resource) {
    try (InputStream in = TypeRegistry.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("built-in type resource " + resource + " is missing");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + resource, e);
    }
  }
}
