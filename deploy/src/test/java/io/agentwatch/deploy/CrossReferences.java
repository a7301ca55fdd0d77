package io.agentwatch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentwatch.capture.service.SensorServiceConfig;
import io.agentwatch.cli.AgentWatch;
import io.agentwatch.config.Setting;
import io.agentwatch.jobs.AgentWatchJobConfig;
import io.agentwatch.stack.OneMachineStack;
import io.agentwatch.store.StoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The names one manifest uses for what another defines, or the code expects: topics, secrets,
 * services and ports, pod labels, images, commands, settings and metric names. Each check returns
 * what does not resolve, naming the resource and the dangling name.
 */
final class CrossReferences {

  /** Secrets the platform provides before installing (deploy/k8s/README.md), with their keys. */
  static final Map<String, Set<String>> PROVIDED_SECRETS = Map.of(
      "clickhouse-credentials", Set.of("writer-password", "reader-password"),
      "agentwatch-server-token", Set.of("token"));

  private final List<ObjectNode> resources;
  private final Path repository;
  private final List<String> problems = new ArrayList<>();

  private CrossReferences(List<ObjectNode> resources, Path repository) {
    this.resources = resources;
    this.repository = repository;
  }

  /** Every dangling reference among {@code resources}; {@code images} the image names the build defines. */
  static List<String> check(List<ObjectNode> resources, Path repository, Map<String, String> images) {
    CrossReferences references = new CrossReferences(resources, repository);
    references.topics();
    references.secrets();
    references.kafkaAddresses();
    references.storeAddresses();
    references.storeCluster();
    references.selectorsAndPorts();
    references.images(images);
    references.commandsAndSettings();
    references.metrics();
    return references.problems;
  }

  /** The topics the sensor and the job use by default exist, and the sensors' ACLs name existing topics. */
  private void topics() {
    Set<String> topics = new HashSet<>(names("KafkaTopic"));
    for (String key : List.of("kafka.topic", "kafka.host-traffic-topic", "catalog.topic")) {
      expect(topics.contains(defaultOf(SensorServiceConfig.SETTINGS, key)), "the sensor's " + key + " default '"
          + defaultOf(SensorServiceConfig.SETTINGS, key) + "' is not a KafkaTopic (have " + topics + ")");
    }
    for (String key : List.of("kafka.flows-topic", "kafka.alerts-topic")) {
      expect(topics.contains(defaultOf(AgentWatchJobConfig.SETTINGS, key)), "the job's " + key + " default '"
          + defaultOf(AgentWatchJobConfig.SETTINGS, key) + "' is not a KafkaTopic (have " + topics + ")");
    }
    for (ObjectNode user : of("KafkaUser")) {
      for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
        if (acl.path("resource").path("type").asText().equals("topic")) {
          String topic = acl.path("resource").path("name").asText();
          expect(topics.contains(topic), Kustomization.kindAndName(user) + ": ACL on topic '" + topic + "', which is no KafkaTopic");
        }
      }
    }
    for (ObjectNode topic : of("KafkaTopic")) {
      String cluster = topic.path("metadata").path("labels").path("strimzi.io/cluster").asText();
      expect(names("Kafka").contains(cluster), Kustomization.kindAndName(topic) + ": strimzi.io/cluster '" + cluster + "' is no Kafka");
    }
  }

  /** Every Secret a pod mounts is made by an operator (KafkaUser, Strimzi's cluster CA) or provided by the platform. */
  private void secrets() {
    Map<String, Set<String>> available = new HashMap<>(PROVIDED_SECRETS);
    names("KafkaUser").forEach(user -> available.put(user, Set.of("password", "sasl.jaas.config")));
    names("Kafka").forEach(kafka -> available.put(kafka + "-cluster-ca-cert", Set.of("ca.crt", "ca.p12", "ca.password")));
    for (ObjectNode workload : resources) {
      for (JsonNode volume : podSpec(workload).path("volumes")) {
        JsonNode secret = volume.path("secret");
        if (secret.isMissingNode()) {
          continue;
        }
        String name = secret.path("secretName").asText();
        if (!expect(available.containsKey(name), Kustomization.kindAndName(workload) + ": volume '" + volume.path("name").asText()
            + "' mounts Secret '" + name + "', which no operator makes and the platform does not provide")) {
          continue;
        }
        for (JsonNode item : secret.path("items")) {
          expect(available.get(name).contains(item.path("key").asText()), Kustomization.kindAndName(workload)
              + ": Secret '" + name + "' has no key '" + item.path("key").asText() + "'");
        }
      }
    }
  }

  /** Kafka addresses point at the bootstrap service of a Kafka and at a listener with the right security. */
  private void kafkaAddresses() {
    for (ObjectNode workload : resources) {
      for (String address : settingValues(workload, "kafka.bootstrap-servers")) {
        Matcher hostPort = Pattern.compile("([a-z0-9-]+)-kafka-bootstrap:(\\d+)").matcher(address);
        if (!expect(hostPort.matches(), Kustomization.kindAndName(workload) + ": kafka.bootstrap-servers '" + address
            + "' is not a Strimzi bootstrap service (NAME-kafka-bootstrap:PORT)")) {
          continue;
        }
        Optional<ObjectNode> kafka = Kustomization.find(resources, "Kafka", hostPort.group(1));
        if (!expect(kafka.isPresent(), Kustomization.kindAndName(workload) + ": no Kafka named '" + hostPort.group(1) + "'")) {
          continue;
        }
        JsonNode listener = null;
        for (JsonNode candidate : kafka.get().path("spec").path("kafka").path("listeners")) {
          if (candidate.path("port").asText().equals(hostPort.group(2))) {
            listener = candidate;
          }
        }
        if (!expect(listener != null, Kustomization.kindAndName(workload) + ": Kafka '" + hostPort.group(1)
            + "' has no listener on port " + hostPort.group(2))) {
          continue;
        }
        String protocol = settingValues(workload, "kafka.security-protocol").stream().findFirst().orElse("PLAINTEXT");
        String expected = (listener.path("authentication").path("type").asText().startsWith("scram") ? "SASL_" : "")
            + (listener.path("tls").asBoolean() ? "SSL" : "PLAINTEXT");
        expect(protocol.equals(expected), Kustomization.kindAndName(workload) + ": kafka.security-protocol " + protocol
            + " but listener '" + listener.path("name").asText() + "' speaks " + expected);
      }
    }
  }

  /** Store URLs name the Service the ClickHouse operator makes for an installation (clickhouse-NAME:8123). */
  private void storeAddresses() {
    for (ObjectNode workload : resources) {
      for (String url : settingValues(workload, "store.remote.url")) {
        Matcher service = Pattern.compile("https?://clickhouse-([a-z0-9-]+):8123/?").matcher(url);
        expect(service.matches() && names("ClickHouseInstallation").contains(service.group(1)),
            Kustomization.kindAndName(workload) + ": store.remote.url '" + url + "' is not the HTTP service of a ClickHouseInstallation");
      }
    }
  }

  /**
   * The schema is laid out on the cluster a ClickHouseInstallation declares: the migrations run
   * `migrate --cluster NAME` with its name, and whatever writes or reads the store names the same
   * cluster in store.cluster (the job's inserts wait for the shards of that cluster).
   */
  private void storeCluster() {
    Set<String> clusters = new HashSet<>();
    of("ClickHouseInstallation").forEach(chi ->
        chi.path("spec").path("configuration").path("clusters").forEach(cluster -> clusters.add(cluster.path("name").asText())));
    Set<String> migrated = new HashSet<>();
    Set<ObjectNode> migrations = new HashSet<>();
    for (ObjectNode workload : resources) {
      for (JsonNode container : containers(workload)) {
        List<String> args = new ArrayList<>();
        container.path("args").forEach(arg -> args.add(arg.asText()));
        if (!container.path("image").asText().contains("agentwatch") || args.isEmpty() || !args.get(0).equals("migrate")) {
          continue;
        }
        migrations.add(workload);
        int flag = args.indexOf("--cluster");
        String cluster = flag >= 0 && flag + 1 < args.size() ? args.get(flag + 1)
            : args.stream().filter(arg -> arg.startsWith("--cluster=")).map(arg -> arg.substring("--cluster=".length())).findFirst().orElse(null);
        if (expect(cluster != null, Kustomization.kindAndName(workload) + ": runs `agentwatch migrate` without --cluster, but ClickHouse is the cluster "
            + clusters + " (a single-server schema on it would not be replicated)")) {
          expect(clusters.contains(cluster), Kustomization.kindAndName(workload) + ": migrate --cluster " + cluster
              + ", which no ClickHouseInstallation declares (have " + clusters + ")");
          migrated.add(cluster);
        }
      }
    }
    for (ObjectNode workload : resources) {
      if (settingValues(workload, "store.remote.url").isEmpty() || migrations.contains(workload)) {
        continue; // migrate names its cluster with --cluster
      }
      List<String> named = settingValues(workload, "store.cluster");
      expect(!named.isEmpty(), Kustomization.kindAndName(workload) + ": uses the store without store.cluster (the schema is on the cluster "
          + migrated + ")");
      named.forEach(cluster -> expect(clusters.contains(cluster) && (migrated.isEmpty() || migrated.contains(cluster)),
          Kustomization.kindAndName(workload) + ": store.cluster '" + cluster + "' is not the cluster the migrations lay out " + migrated
              + " among those ClickHouseInstallations declare " + clusters));
    }
  }

  /** Selectors select pods that exist; named ports exist on what they select. */
  private void selectorsAndPorts() {
    Map<String, ObjectNode> podsByName = new HashMap<>();
    for (ObjectNode workload : resources) {
      String name = podLabels(workload).path("app.kubernetes.io/name").asText(null);
      if (name != null) {
        podsByName.put(name, workload);
      }
    }
    for (ObjectNode service : of("Service")) {
      String selected = service.path("spec").path("selector").path("app.kubernetes.io/name").asText();
      ObjectNode workload = podsByName.get(selected);
      if (!expect(workload != null, Kustomization.kindAndName(service) + ": selects pods '" + selected + "', which no workload has")) {
        continue;
      }
      for (JsonNode port : service.path("spec").path("ports")) {
        if (port.path("targetPort").isTextual()) {
          expect(containerPorts(workload).contains(port.path("targetPort").asText()), Kustomization.kindAndName(service)
              + ": targetPort '" + port.path("targetPort").asText() + "' is no container port of " + Kustomization.kindAndName(workload));
        }
      }
    }
    for (ObjectNode monitor : of("ServiceMonitor")) {
      String selected = monitor.path("spec").path("selector").path("matchLabels").path("app.kubernetes.io/name").asText();
      Optional<ObjectNode> service = of("Service").stream()
          .filter(s -> s.path("metadata").path("labels").path("app.kubernetes.io/name").asText().equals(selected)).findFirst();
      if (expect(service.isPresent(), Kustomization.kindAndName(monitor) + ": selects no Service labelled '" + selected + "'")) {
        Set<String> ports = new HashSet<>();
        service.get().path("spec").path("ports").forEach(p -> ports.add(p.path("name").asText()));
        monitor.path("spec").path("endpoints").forEach(e -> expect(ports.contains(e.path("port").asText()),
            Kustomization.kindAndName(monitor) + ": port '" + e.path("port").asText() + "' is not a port of the Service"));
      }
    }
    for (ObjectNode monitor : of("PodMonitor")) {
      String selected = monitor.path("spec").path("selector").path("matchLabels").path("app.kubernetes.io/name").asText();
      ObjectNode workload = podsByName.get(selected);
      if (expect(workload != null, Kustomization.kindAndName(monitor) + ": selects pods '" + selected + "', which no workload has")) {
        monitor.path("spec").path("podMetricsEndpoints").forEach(e -> expect(containerPorts(workload).contains(e.path("port").asText()),
            Kustomization.kindAndName(monitor) + ": port '" + e.path("port").asText() + "' is no container port of "
                + Kustomization.kindAndName(workload)));
      }
    }
    for (ObjectNode policy : of("NetworkPolicy")) {
      List<JsonNode> selectors = new ArrayList<>(List.of(policy.path("spec").path("podSelector")));
      for (String direction : List.of("ingress", "egress")) {
        for (JsonNode rule : policy.path("spec").path(direction)) {
          for (JsonNode peer : rule.path(direction.equals("ingress") ? "from" : "to")) {
            selectors.add(peer.path("podSelector"));
          }
        }
      }
      for (JsonNode selector : selectors) {
        String name = selector.path("matchLabels").path("app.kubernetes.io/name").asText(null);
        String chi = selector.path("matchLabels").path("clickhouse.altinity.com/chi").asText(null);
        if (name != null) {
          expect(podsByName.containsKey(name), Kustomization.kindAndName(policy) + ": selects pods '" + name + "', which no workload has");
        }
        if (chi != null) {
          expect(names("ClickHouseInstallation").contains(chi), Kustomization.kindAndName(policy) + ": selects ClickHouse '" + chi
              + "', which is no ClickHouseInstallation");
        }
      }
    }
  }

  /** Our workloads run exactly the images the build defines; each has its Dockerfile. */
  private void images(Map<String, String> images) {
    for (ObjectNode workload : resources) {
      List<String> used = new ArrayList<>();
      if (workload.path("kind").asText().equals("FlinkDeployment")) {
        used.add(workload.path("spec").path("image").asText());
      }
      containers(workload).forEach(c -> used.add(c.path("image").asText()));
      for (String image : used) {
        if (image.contains("agentwatch")) {
          expect(images.containsValue(image), Kustomization.kindAndName(workload) + ": image '" + image
              + "' is not one the build defines " + images.values());
        }
      }
    }
    images.keySet().forEach(name -> expect(Files.isRegularFile(repository.resolve("deploy/images/" + name + "/Dockerfile")),
        "image " + name + " has no deploy/images/" + name + "/Dockerfile"));
  }

  /** Containers run `agentwatch` subcommands that exist, with settings those commands know. */
  private void commandsAndSettings() {
    Set<String> commands = AgentWatch.commandLine().getSubcommands().keySet();
    Set<String> known = new HashSet<>();
    Stream.of(SensorServiceConfig.SETTINGS, AgentWatchJobConfig.SETTINGS, StoreConfig.SETTINGS, OneMachineStack.SETTINGS)
        .flatMap(List::stream).map(Setting::key).forEach(known::add);
    Map<String, String> byVariable = new HashMap<>();
    Stream.of(SensorServiceConfig.SETTINGS, AgentWatchJobConfig.SETTINGS, StoreConfig.SETTINGS, OneMachineStack.SETTINGS)
        .flatMap(List::stream).forEach(s -> byVariable.put(s.environmentVariable(), s.key()));
    for (ObjectNode workload : resources) {
      for (JsonNode container : containers(workload)) {
        if (container.path("image").asText().contains("agentwatch") && container.path("args").size() > 0) {
          String command = container.path("args").get(0).asText();
          expect(commands.contains(command), Kustomization.kindAndName(workload) + ": runs `agentwatch " + command
              + "`, which is no command (have " + commands + ")");
        }
        for (JsonNode env : container.path("env")) {
          String name = env.path("name").asText();
          if (name.startsWith("AGENTWATCH_")) {
            expect(byVariable.containsKey(name), Kustomization.kindAndName(workload) + ": environment variable " + name
                + " is no setting's");
          }
        }
      }
      if (workload.path("kind").asText().equals("FlinkDeployment")) {
        for (JsonNode arg : workload.path("spec").path("job").path("args")) {
          String key = arg.asText().replaceFirst("^--", "").replaceFirst("=.*$", "");
          expect(AgentWatchJobConfig.SETTINGS.stream().anyMatch(s -> s.key().equals(key)),
              Kustomization.kindAndName(workload) + ": job argument " + arg.asText() + " is no setting of the job");
        }
      }
      if (workload.path("kind").asText().equals("ConfigMap")) {
        for (Iterator<Map.Entry<String, JsonNode>> files = workload.path("data").fields(); files.hasNext(); ) {
          Map.Entry<String, JsonNode> file = files.next();
          if (file.getKey().endsWith(".yaml")) {
            for (String key : yamlKeys(file.getValue().asText())) {
              expect(known.contains(key), Kustomization.kindAndName(workload) + ": " + file.getKey() + " sets '" + key
                  + "', which is no setting");
            }
          }
        }
      }
    }
  }

  /** Alert rules use metrics the code exports, and the job's consumer group. */
  private void metrics() {
    String code = sources();
    for (ObjectNode rules : of("PrometheusRule")) {
      for (JsonNode group : rules.path("spec").path("groups")) {
        for (JsonNode rule : group.path("rules")) {
          String expression = rule.path("expr").asText();
          Matcher metric = Pattern.compile("agentwatch_[a-z_]+").matcher(expression);
          while (metric.find()) {
            expect(code.contains("\"" + metric.group() + "\""), Kustomization.kindAndName(rules) + ": rule "
                + rule.path("alert").asText() + " uses " + metric.group() + ", which the code does not export");
          }
          Matcher group2 = Pattern.compile("consumergroup=\"([^\"]+)\"").matcher(expression);
          while (group2.find()) {
            expect(group2.group(1).equals(defaultOf(AgentWatchJobConfig.SETTINGS, "job.consumer-group")),
                Kustomization.kindAndName(rules) + ": rule " + rule.path("alert").asText() + " watches consumer group '"
                    + group2.group(1) + "', not the job's");
          }
          Matcher operatorMetric = Pattern.compile("flink_taskmanager_job_task_operator_([A-Za-z]+)").matcher(expression);
          while (operatorMetric.find()) {
            expect(code.contains("\"" + operatorMetric.group(1) + "\""), Kustomization.kindAndName(rules) + ": rule "
                + rule.path("alert").asText() + " uses the job's metric " + operatorMetric.group(1) + ", which the job does not register");
          }
        }
      }
    }
  }

  private String sources() {
    StringBuilder all = new StringBuilder();
    for (String sources : List.of("capture/src/main/java", "stream-jobs/src/main/java", "store/src/main/java", "src/main/java")) {
      try (Stream<Path> files = Files.walk(repository.resolve(sources))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          all.append(Files.readString(file));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return all.toString();
  }

  private static List<String> yamlKeys(String yaml) {
    List<String> keys = new ArrayList<>();
    for (String line : yaml.split("\n")) {
      Matcher key = Pattern.compile("^([a-z][a-z0-9.-]*):").matcher(line);
      if (key.find()) {
        keys.add(key.group(1));
      }
    }
    return keys;
  }

  /** The values a workload gives {@code key}: in its ConfigMap file, its environment, or its job arguments. */
  private List<String> settingValues(ObjectNode workload, String key) {
    List<String> values = new ArrayList<>();
    if (workload.path("kind").asText().equals("ConfigMap")) {
      workload.path("data").forEach(file -> {
        for (String line : file.asText().split("\n")) {
          if (line.startsWith(key + ":")) {
            values.add(line.substring(key.length() + 1).replaceFirst("#.*$", "").strip());
          }
        }
      });
    }
    String variable = "AGENTWATCH_" + key.toUpperCase().replace('.', '_').replace('-', '_');
    for (JsonNode container : containers(workload)) {
      container.path("env").forEach(env -> {
        if (env.path("name").asText().equals(variable) && env.has("value")) {
          values.add(env.path("value").asText());
        }
      });
    }
    workload.path("spec").path("job").path("args").forEach(arg -> {
      if (arg.asText().startsWith("--" + key + "=")) {
        values.add(arg.asText().substring(key.length() + 3));
      }
    });
    if (values.isEmpty() && key.equals("kafka.security-protocol")) {
      // The sensor's ConfigMap and the DaemonSet are two resources: look in the ConfigMap it mounts.
      for (JsonNode volume : podSpec(workload).path("volumes")) {
        String configMap = volume.path("configMap").path("name").asText(null);
        if (configMap != null) {
          Kustomization.find(resources, "ConfigMap", configMap).ifPresent(map -> values.addAll(settingValues(map, key)));
        }
      }
    }
    return values;
  }

  private static JsonNode podSpec(JsonNode workload) {
    return workload.path("kind").asText().equals("FlinkDeployment")
        ? workload.path("spec").path("podTemplate").path("spec")
        : workload.path("spec").path("template").path("spec");
  }

  private static JsonNode podLabels(JsonNode workload) {
    return workload.path("kind").asText().equals("FlinkDeployment")
        ? workload.path("spec").path("podTemplate").path("metadata").path("labels")
        : workload.path("spec").path("template").path("metadata").path("labels");
  }

  private static List<JsonNode> containers(JsonNode workload) {
    List<JsonNode> containers = new ArrayList<>();
    podSpec(workload).path("containers").forEach(containers::add);
    return containers;
  }

  private static Set<String> containerPorts(JsonNode workload) {
    Set<String> ports = new HashSet<>();
    containers(workload).forEach(c -> c.path("ports").forEach(p -> ports.add(p.path("name").asText())));
    return ports;
  }

  private List<ObjectNode> of(String kind) {
    return resources.stream().filter(r -> r.path("kind").asText().equals(kind)).toList();
  }

  private Set<String> names(String kind) {
    Set<String> names = new HashSet<>();
    of(kind).forEach(r -> names.add(r.path("metadata").path("name").asText()));
    return names;
  }

  private static String defaultOf(List<Setting> settings, String key) {
    return settings.stream().filter(s -> s.key().equals(key)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no setting " + key)).defaultText();
  }

  private boolean expect(boolean holds, String problem) {
    if (!holds) {
      problems.add(problem);
    }
    return holds;
  }
}
