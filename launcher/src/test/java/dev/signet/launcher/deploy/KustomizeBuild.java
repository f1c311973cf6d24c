package dev.signet.launcher.deploy;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * {@code kustomize build} for the subset of kustomize that Signet's k8s/ uses, so CI can check the
 * rendered overlays without the kustomize binary: {@code resources} (files and directories), {@code
 * components}, {@code namespace}, {@code labels} (with {@code includeTemplates}), {@code images},
 * and {@code patches} with a kind/name target that are either JSON 6902 operations (add, replace,
 * remove) or a {@code $patch: delete}. Any other field or patch form fails the build, so a
 * kustomization that outgrows this subset breaks the test instead of being misread.
 */
final class KustomizeBuild {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Set<String> SUPPORTED =
      Set.of(
          "apiVersion",
          "kind",
          "namespace",
          "labels",
          "resources",
          "components",
          "images",
          "patches");
  private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");

  private KustomizeBuild() {}

  /** The resources the kustomization in {@code directory} renders. */
  static List<ObjectNode> build(Path directory) {
    JsonNode kustomization = read(directory.resolve("kustomization.yaml")).get(0);
    kustomization
        .fieldNames()
        .forEachRemaining(
            field -> {
              if (!SUPPORTED.contains(field)) {
                throw new IllegalArgumentException(
                    directory + ": kustomization field " + field + " is not supported here");
              }
            });
    List<ObjectNode> resources = new ArrayList<>();
    for (JsonNode entry : kustomization.path("resources")) {
      Path path = directory.resolve(entry.asText()).normalize();
      resources.addAll(Files.isDirectory(path) ? build(path) : read(path));
    }
    for (JsonNode entry : kustomization.path("components")) {
      resources.addAll(build(directory.resolve(entry.asText()).normalize()));
    }
    for (JsonNode patch : kustomization.path("patches")) {
      applyPatch(resources, patch, directory);
    }
    if (kustomization.has("namespace")) {
      String namespace = kustomization.get("namespace").asText();
      resources.stream()
          .filter(r -> !CLUSTER_SCOPED.contains(r.path("kind").asText()))
          .forEach(r -> metadata(r).put("namespace", namespace));
    }
    for (JsonNode label : kustomization.path("labels")) {
      boolean templates = label.path("includeTemplates").asBoolean(false);
      for (ObjectNode resource : resources) {
        label
            .get("pairs")
            .properties()
            .forEach(pair -> labels(resource).set(pair.getKey(), pair.getValue()));
        if (templates && resource.at("/spec/template").isObject()) {
          ObjectNode template = (ObjectNode) resource.at("/spec/template");
          label
              .get("pairs")
              .properties()
              .forEach(pair -> labels(template).set(pair.getKey(), pair.getValue()));
        }
      }
    }
    for (JsonNode image : kustomization.path("images")) {
      resources.forEach(r -> setImage(r, image));
    }
    return resources;
  }

  static List<ObjectNode> read(Path file) {
    try (var parser = new YAMLFactory().createParser(file.toFile())) {
      List<ObjectNode> documents = new ArrayList<>();
      Iterator<JsonNode> nodes = YAML.readValues(parser, JsonNode.class);
      while (nodes.hasNext()) {
        JsonNode node = nodes.next();
        if (node != null && node.isObject() && !node.isEmpty()) {
          documents.add((ObjectNode) node);
        }
      }
      return documents;
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file, e);
    }
  }

  private static void applyPatch(List<ObjectNode> resources, JsonNode patch, Path directory) {
    String kind = patch.at("/target/kind").asText(null);
    String name = patch.at("/target/name").asText(null);
    List<ObjectNode> targets =
        resources.stream()
            .filter(r -> kind == null || kind.equals(r.path("kind").asText()))
            .filter(r -> name == null || name.equals(r.at("/metadata/name").asText()))
            .toList();
    if (targets.isEmpty() || !patch.has("patch")) {
      throw new IllegalArgumentException(directory + ": patch matches nothing: " + patch);
    }
    JsonNode body;
    try {
      body = YAML.readTree(patch.get("patch").asText());
    } catch (IOException e) {
      throw new UncheckedIOException(directory + ": unreadable patch", e);
    }
    if (body.isObject() && "delete".equals(body.path("$patch").asText())) {
      resources.removeAll(targets);
      return;
    }
    if (!body.isArray()) {
      throw new IllegalArgumentException(
          directory + ": only JSON 6902 patches and $patch: delete are supported: " + body);
    }
    for (ObjectNode target : targets) {
      for (JsonNode operation : body) {
        apply(target, operation);
      }
    }
  }

  private static void apply(ObjectNode target, JsonNode operation) {
    JsonPointer path = JsonPointer.compile(operation.get("path").asText());
    JsonNode parent = target.at(path.head());
    String last = path.last().getMatchingProperty();
    String op = operation.get("op").asText();
    if (parent.isMissingNode()) {
      throw new IllegalArgumentException("patch path has no parent: " + path);
    }
    switch (op) {
      case "add", "replace" -> {
        if (op.equals("replace") && target.at(path).isMissingNode()) {
          throw new IllegalArgumentException("replace of a missing path: " + path);
        }
        if (parent instanceof ObjectNode object) {
          object.set(last, operation.get("value"));
        } else if (parent instanceof ArrayNode array) {
          if (last.equals("-")) {
            array.add(operation.get("value"));
          } else if (op.equals("add")) {
            array.insert(Integer.parseInt(last), operation.get("value"));
          } else {
            array.set(Integer.parseInt(last), operation.get("value"));
          }
        }
      }
      case "remove" -> {
        if (parent instanceof ObjectNode object) {
          object.remove(last);
        } else if (parent instanceof ArrayNode array) {
          array.remove(Integer.parseInt(last));
        }
      }
      default -> throw new IllegalArgumentException("unsupported patch op " + op);
    }
  }

  private static void setImage(ObjectNode resource, JsonNode image) {
    String name = image.get("name").asText();
    for (String containers : List.of("containers", "initContainers")) {
      for (JsonNode container : resource.at("/spec/template/spec/" + containers)) {
        String current = container.path("image").asText();
        String bare = current.replaceFirst(":[^/:]*$", "");
        if (bare.equals(name)) {
          String newName = image.path("newName").asText(bare);
          String tag = image.has("newTag") ? image.get("newTag").asText() : tagOf(current);
          ((ObjectNode) container).put("image", tag == null ? newName : newName + ":" + tag);
        }
      }
    }
  }

  private static String tagOf(String image) {
    int colon = image.lastIndexOf(':');
    return colon > image.lastIndexOf('/') ? image.substring(colon + 1) : null;
  }

  private static ObjectNode metadata(ObjectNode resource) {
    return resource.has("metadata")
        ? (ObjectNode) resource.get("metadata")
        : resource.putObject("metadata");
  }

  private static ObjectNode labels(ObjectNode resource) {
    ObjectNode metadata = metadata(resource);
    return metadata.has("labels")
        ? (ObjectNode) metadata.get("labels")
        : metadata.putObject("labels");
  }

  /** For error messages: kind/name of a resource. */
  static String id(JsonNode resource) {
    return resource.path("kind").asText() + "/" + resource.at("/metadata/name").asText();
  }
}
