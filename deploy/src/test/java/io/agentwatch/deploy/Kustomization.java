package io.agentwatch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The resources a Kustomize directory of {@code deploy/k8s/} renders to, for the tests. The
 * manifests use only what this class applies: {@code resources} (files and directories),
 * {@code patches} with a {@code path} (JSON merge patches by kind and name: what Kustomize applies
 * to custom resources; no list merging on built-in kinds), {@code namespace} and {@code images}
 * (also on the paths of {@code configurations}). When {@code kubectl} is installed, the tests also
 * validate its own rendering ({@link #renderWithKubectl}), so this one cannot drift from Kustomize
 * unnoticed.
 */
final class Kustomization {

  static final ObjectMapper YAML = new YAMLMapper();

  private Kustomization() {}

  /** Every document of a YAML file, in order (empty documents skipped). */
  static List<ObjectNode> documents(Path file) {
    try {
      List<ObjectNode> documents = new ArrayList<>();
      Iterator<JsonNode> parsed = YAML.readerFor(JsonNode.class).readValues(new YAMLFactory().createParser(file.toFile()));
      while (parsed.hasNext()) {
        JsonNode document = parsed.next();
        if (document != null && document.isObject()) {
          documents.add((ObjectNode) document);
        }
      }
      return documents;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
  }

  /** The resources of the Kustomize directory {@code dir}, patched, with namespace and images applied. */
  static List<ObjectNode> render(Path dir) {
    ObjectNode kustomization = documents(dir.resolve("kustomization.yaml")).get(0);
    List<ObjectNode> resources = new ArrayList<>();
    for (JsonNode entry : kustomization.path("resources")) {
      Path resource = dir.resolve(entry.asText()).normalize();
      resources.addAll(Files.isDirectory(resource) ? render(resource) : documents(resource));
    }
    for (JsonNode patch : kustomization.path("patches")) {
      for (ObjectNode change : documents(dir.resolve(patch.path("path").asText()))) {
        ObjectNode target = find(resources, change.path("kind").asText(), change.path("metadata").path("name").asText())
            .orElseThrow(() -> new IllegalStateException(dir + ": patch for " + kindAndName(change) + " matches no resource"));
        mergePatch(target, change);
      }
    }
    if (kustomization.has("namespace")) {
      for (ObjectNode resource : resources) {
        if (!resource.path("kind").asText().equals("Namespace")) {
          ((ObjectNode) resource.with("metadata")).put("namespace", kustomization.path("namespace").asText());
        }
      }
    }
    List<String> imagePaths = new ArrayList<>(List.of("spec/template/spec/containers/*/image",
        "spec/template/spec/initContainers/*/image", "spec/jobTemplate/spec/template/spec/containers/*/image"));
    for (JsonNode configuration : kustomization.path("configurations")) {
      for (JsonNode image : documents(dir.resolve(configuration.asText())).get(0).path("images")) {
        imagePaths.add(image.path("kind").asText() + ":" + image.path("path").asText());
      }
    }
    for (JsonNode image : kustomization.path("images")) {
      String replacement = image.path("newName").asText(image.path("name").asText())
          + (image.has("newTag") ? ":" + image.path("newTag").asText() : "");
      for (ObjectNode resource : resources) {
        for (String path : imagePaths) {
          String kind = path.contains(":") ? path.substring(0, path.indexOf(':')) : null;
          if (kind == null || kind.equals(resource.path("kind").asText())) {
            replaceImage(resource, path.substring(path.indexOf(':') + 1).split("/"), 0, image.path("name").asText(), replacement);
          }
        }
      }
    }
    return resources;
  }

  /** {@code kubectl kustomize dir}, or empty when kubectl is not installed. */
  static Optional<List<ObjectNode>> renderWithKubectl(Path dir) {
    try {
      Process kubectl = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(false).start();
      byte[] output = kubectl.getInputStream().readAllBytes();
      String errors = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!kubectl.waitFor(60, TimeUnit.SECONDS) || kubectl.exitValue() != 0) {
        throw new IllegalStateException("kubectl kustomize " + dir + " failed: " + errors);
      }
      Path rendered = Files.createTempFile("kustomize", ".yaml");
      try {
        Files.write(rendered, output);
        return Optional.of(documents(rendered));
      } finally {
        Files.delete(rendered);
      }
    } catch (IOException notInstalled) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Optional<ObjectNode> find(List<ObjectNode> resources, String kind, String name) {
    return resources.stream()
        .filter(r -> r.path("kind").asText().equals(kind) && r.path("metadata").path("name").asText().equals(name))
        .findFirst();
  }

  static String kindAndName(JsonNode resource) {
    return resource.path("kind").asText() + "/" + resource.path("metadata").path("name").asText();
  }

  /** RFC 7386: objects merge key by key, null removes, anything else replaces. */
  static void mergePatch(ObjectNode target, JsonNode patch) {
    for (Iterator<Map.Entry<String, JsonNode>> fields = patch.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode existing = target.get(field.getKey());
      if (field.getValue().isNull()) {
        target.remove(field.getKey());
      } else if (field.getValue().isObject() && existing != null && existing.isObject()) {
        mergePatch((ObjectNode) existing, field.getValue());
      } else {
        target.set(field.getKey(), field.getValue().deepCopy());
      }
    }
  }

  private static void replaceImage(JsonNode node, String[] path, int at, String name, String replacement) {
    if (node == null || node.isMissingNode()) {
      return;
    }
    if (at == path.length - 1) {
      JsonNode image = node.get(path[at]);
      if (node.isObject() && image != null && image.asText().equals(name)) {
        ((ObjectNode) node).put(path[at], replacement);
      }
      return;
    }
    if (path[at].equals("*")) {
      node.forEach(element -> replaceImage(element, path, at + 1, name, replacement));
    } else {
      replaceImage(node.get(path[at]), path, at + 1, name, replacement);
    }
  }
}
