package io.agentwatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * deploy/k8s as a cluster would take it: every resource of the base and of each overlay fits its
 * model (fabric8 for Kubernetes kinds, Strimzi's api classes, the vendored CRDs for the other
 * operators), and every name one resource uses for another, or for the code, resolves.
 */
class DeployManifestsTest {

  /** Surefire runs in the module's directory, deploy/. */
  private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
  private static final Path K8S = REPOSITORY.resolve("deploy/k8s");

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/small", "overlays/large"})
  void everyResourceFitsItsModelAndSchema(String directory) throws Exception {
    ManifestValidation validation = new ManifestValidation(K8S.resolve("crds"));
    List<String> problems = new ArrayList<>();
    List<ObjectNode> rendered = Kustomization.render(K8S.resolve(directory));
    rendered.forEach(resource -> problems.addAll(validation.problems(resource)));
    Optional<List<ObjectNode>> byKubectl = Kustomization.renderWithKubectl(K8S.resolve(directory));
    byKubectl.ifPresent(resources -> resources.forEach(resource ->
        validation.problems(resource).forEach(problem -> problems.add("(kubectl kustomize) " + problem))));
    assertEquals(List.of(), problems);
    assertTrue(rendered.size() >= 20, directory + " renders " + rendered.size() + " resources");
    byKubectl.ifPresent(resources -> assertEquals(kindsAndNames(resources), kindsAndNames(rendered),
        "kubectl kustomize renders the same resources"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlays/small", "overlays/large"})
  void everyReferenceResolves(String overlay) throws Exception {
    assertEquals(List.of(), CrossReferences.check(Kustomization.render(K8S.resolve(overlay)), REPOSITORY, buildImages()));
  }

  @Test
  void theKustomizationNamesExactlyTheImagesTheBuildDefines() throws Exception {
    Map<String, String> images = buildImages();
    assertEquals(List.of("agentwatch-sensor", "agentwatch-server", "agentwatch-stream-jobs"), new ArrayList<>(images.keySet()));
    Map<String, String> named = new LinkedHashMap<>();
    Kustomization.documents(K8S.resolve("base/kustomization.yaml")).get(0).path("images").forEach(image ->
        named.put(image.path("name").asText(), image.path("newName").asText() + ":" + image.path("newTag").asText()));
    assertEquals(images, named);
  }

  /** Each deliberately broken reference is reported, naming what dangles. */
  @Test
  void aBrokenReferenceIsReported() throws Exception {
    assertBroken("Secret 'sensor'", resources -> podVolumes(resources, "DaemonSet", "agentwatch-sensor").forEach(volume -> {
      if (volume.path("name").asText().equals("kafka-user")) {
        ((ObjectNode) volume.path("secret")).put("secretName", "sensor");
      }
    }));
    assertBroken("default 'flows' is not a KafkaTopic", resources ->
        ((ObjectNode) find(resources, "KafkaTopic", "flows").path("metadata")).put("name", "flow"));
    assertBroken("listener 'sensors' speaks SASL_SSL", resources -> {
      ObjectNode config = (ObjectNode) find(resources, "ConfigMap", "agentwatch-sensor").path("data");
      config.put("sensor.yaml", config.path("sensor.yaml").asText().replace("SASL_SSL", "SASL_PLAINTEXT"));
    });
    assertBroken("targetPort 'web'", resources ->
        ((ObjectNode) find(resources, "Service", "agentwatch-server").path("spec").path("ports").get(0)).put("targetPort", "web"));
    assertBroken("image 'ghcr.io/agentwatch/agentwatch-server:0.0.9'", resources ->
        ((ObjectNode) find(resources, "Deployment", "agentwatch-server").path("spec").path("template").path("spec")
            .path("containers").get(0)).put("image", "ghcr.io/agentwatch/agentwatch-server:0.0.9"));
    assertBroken("`agentwatch server`", resources ->
        ((ArrayNode) find(resources, "Deployment", "agentwatch-server").path("spec").path("template").path("spec")
            .path("containers").get(0).path("args")).set(0, "server"));
    assertBroken("job argument --kafka.bootstrap-server=", resources -> {
      ArrayNode args = (ArrayNode) find(resources, "FlinkDeployment", "agentwatch-stream-jobs").path("spec").path("job").path("args");
      args.set(0, args.get(0).asText().replace("bootstrap-servers", "bootstrap-server"));
    });
    assertBroken("migrate --cluster agentwatch, which no ClickHouseInstallation declares (have [agentwatch-main])", resources ->
        ((ObjectNode) find(resources, "ClickHouseInstallation", "agentwatch").path("spec").path("configuration").path("clusters").get(0))
            .put("name", "agentwatch-main"));
    assertBroken("runs `agentwatch migrate` without --cluster", resources -> {
      ArrayNode args = (ArrayNode) find(resources, "Job", "agentwatch-store-migrations").path("spec").path("template").path("spec")
          .path("containers").get(0).path("args");
      args.removeAll();
      args.add("migrate");
    });
    assertBroken("FlinkDeployment/agentwatch-stream-jobs: uses the store without store.cluster", resources -> {
      ArrayNode args = (ArrayNode) find(resources, "FlinkDeployment", "agentwatch-stream-jobs").path("spec").path("job").path("args");
      for (int i = args.size() - 1; i >= 0; i--) {
        if (args.get(i).asText().startsWith("--store.cluster=")) {
          args.remove(i);
        }
      }
    });
    assertBroken("uses agentwatch_spool_megabytes", resources -> {
      ObjectNode rule = (ObjectNode) find(resources, "PrometheusRule", "agentwatch").path("spec").path("groups").get(0).path("rules").get(3);
      rule.put("expr", rule.path("expr").asText().replace("agentwatch_spool_bytes", "agentwatch_spool_megabytes"));
    });

    ManifestValidation validation = new ManifestValidation(K8S.resolve("crds"));
    List<ObjectNode> resources = Kustomization.render(K8S.resolve("overlays/small"));
    ((ObjectNode) find(resources, "FlinkDeployment", "agentwatch-stream-jobs").path("spec").path("job")).put("upgradMode", "savepoint");
    ((ObjectNode) find(resources, "KafkaTopic", "alerts").path("spec")).put("partitions", "three");
    ((ObjectNode) find(resources, "DaemonSet", "agentwatch-sensor").path("spec").path("template").path("spec")).put("hostNetwrok", true);
    List<String> problems = new ArrayList<>();
    resources.forEach(resource -> problems.addAll(validation.problems(resource)));
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("FlinkDeployment/agentwatch-stream-jobs: $.spec.job.upgradMode: unknown field")),
        problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("KafkaTopic/alerts") && p.contains("partitions")), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("DaemonSet/agentwatch-sensor") && p.contains("hostNetwrok")), problems.toString());
  }

  private static void assertBroken(String expected, Consumer<List<ObjectNode>> breakIt) throws Exception {
    List<ObjectNode> resources = Kustomization.render(K8S.resolve("overlays/small"));
    breakIt.accept(resources);
    List<String> problems = CrossReferences.check(resources, REPOSITORY, buildImages());
    assertTrue(problems.stream().anyMatch(problem -> problem.contains(expected)), "expected a problem with \"" + expected + "\": " + problems);
  }

  private static ObjectNode find(List<ObjectNode> resources, String kind, String name) {
    return Kustomization.find(resources, kind, name).orElseThrow(() -> new AssertionError("no " + kind + "/" + name));
  }

  private static List<ObjectNode> podVolumes(List<ObjectNode> resources, String kind, String name) {
    List<ObjectNode> volumes = new ArrayList<>();
    find(resources, kind, name).path("spec").path("template").path("spec").path("volumes").forEach(v -> volumes.add((ObjectNode) v));
    return volumes;
  }

  private static List<String> kindsAndNames(List<ObjectNode> resources) {
    return resources.stream().map(Kustomization::kindAndName).sorted().toList();
  }

  /**
   * The images the build defines: the {@code --tag} of each image execution of deploy/pom.xml's
   * profile "images", its properties resolved (name → registry/name:tag).
   */
  static Map<String, String> buildImages() throws Exception {
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(REPOSITORY.resolve("deploy/pom.xml").toFile());
    Map<String, String> properties = new LinkedHashMap<>();
    Element parent = (Element) pom.getElementsByTagName("parent").item(0);
    properties.put("project.version", parent.getElementsByTagName("version").item(0).getTextContent().strip());
    NodeList declared = ((Element) pom.getElementsByTagName("properties").item(0)).getChildNodes();
    for (int i = 0; i < declared.getLength(); i++) {
      if (declared.item(i) instanceof Element property) {
        properties.put(property.getTagName(), property.getTextContent().strip());
      }
    }
    Map<String, String> images = new LinkedHashMap<>();
    NodeList arguments = pom.getElementsByTagName("argument");
    for (int i = 0; i + 1 < arguments.getLength(); i++) {
      if (arguments.item(i).getTextContent().equals("--tag")) {
        String image = resolve(arguments.item(i + 1).getTextContent().strip(), properties);
        images.put(image.substring(image.lastIndexOf('/') + 1, image.lastIndexOf(':')), image);
      }
    }
    assertTrue(Files.isRegularFile(REPOSITORY.resolve("deploy/pom.xml")));
    return images;
  }

  private static String resolve(String text, Map<String, String> properties) {
    String resolved = text;
    for (int round = 0; round < 5 && resolved.contains("${"); round++) {
      Matcher reference = Pattern.compile("\\$\\{([^}]+)}").matcher(resolved);
      StringBuilder out = new StringBuilder();
      while (reference.find()) {
        reference.appendReplacement(out, Matcher.quoteReplacement(properties.getOrDefault(reference.group(1), reference.group())));
      }
      reference.appendTail(out);
      resolved = out.toString();
    }
    return resolved;
  }
}
