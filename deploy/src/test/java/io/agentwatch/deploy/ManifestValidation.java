package io.agentwatch.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Whether a resource is one the cluster accepts: built-in kinds through fabric8's model classes,
 * Strimzi's kinds through Strimzi's own {@code api} classes, and every custom resource against
 * the OpenAPI schema of its vendored CRD ({@code deploy/k8s/crds/}). Unknown fields are errors
 * everywhere: the API server drops them (or refuses them, with strict field validation), so a
 * misspelt key would silently do nothing.
 */
final class ManifestValidation {

  private static final Map<String, Class<?>> MODELS = Map.ofEntries(
      Map.entry("v1/Namespace", Namespace.class),
      Map.entry("v1/ConfigMap", ConfigMap.class),
      Map.entry("v1/Secret", Secret.class),
      Map.entry("v1/Service", Service.class),
      Map.entry("v1/ServiceAccount", ServiceAccount.class),
      Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
      Map.entry("apps/v1/Deployment", Deployment.class),
      Map.entry("apps/v1/DaemonSet", DaemonSet.class),
      Map.entry("batch/v1/Job", Job.class),
      Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
      Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
      Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
      Map.entry("kafka.strimzi.io/v1/Kafka", Kafka.class),
      Map.entry("kafka.strimzi.io/v1/KafkaNodePool", KafkaNodePool.class),
      Map.entry("kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class),
      Map.entry("kafka.strimzi.io/v1/KafkaUser", KafkaUser.class));

  private static final ObjectMapper STRICT = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  /** apiVersion/kind → the openAPIV3Schema of that version in its CRD. */
  private final Map<String, JsonNode> crdSchemas = new HashMap<>();
  private final JsonSchemaFactory schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);

  ManifestValidation(Path crdDirectory) throws Exception {
    try (Stream<Path> files = Files.list(crdDirectory)) {
      for (Path file : files.filter(f -> f.toString().matches(".*\\.ya?ml$")).sorted().toList()) {
        for (JsonNode crd : Kustomization.documents(file)) {
          String group = crd.path("spec").path("group").asText();
          String kind = crd.path("spec").path("names").path("kind").asText();
          for (JsonNode version : crd.path("spec").path("versions")) {
            if (version.path("served").asBoolean()) {
              crdSchemas.put(group + "/" + version.path("name").asText() + "/" + kind,
                  version.path("schema").path("openAPIV3Schema"));
            }
          }
        }
      }
    }
  }

  /** What is wrong with {@code resource}; empty when the cluster and its operators accept it. */
  List<String> problems(JsonNode resource) {
    String key = resource.path("apiVersion").asText() + "/" + resource.path("kind").asText();
    String where = Kustomization.kindAndName(resource) + ": ";
    List<String> problems = new ArrayList<>();
    Class<?> model = MODELS.get(key);
    JsonNode crdSchema = crdSchemas.get(key);
    if (model == null && crdSchema == null) {
      return List.of(where + "no model and no vendored CRD for " + key);
    }
    if (model != null) {
      try {
        Object typed = STRICT.treeToValue(resource, model);
        unknownProperties(typed, "", problems);
      } catch (Exception e) {
        problems.add("does not fit " + model.getSimpleName() + ": " + e.getMessage().lines().findFirst().orElse(""));
      }
    }
    if (crdSchema != null) {
      JsonSchema schema = schemas.getSchema(crdSchema);
      for (ValidationMessage message : schema.validate(resource)) {
        problems.add(message.getMessage());
      }
      unknownFields(resource, crdSchema, "$", problems);
    }
    return problems.stream().map(problem -> where + problem).toList();
  }

  /**
   * Fields the structural schema does not declare (the API server prunes them): every object
   * schema with {@code properties} lists all its fields unless it preserves unknown fields.
   */
  private static void unknownFields(JsonNode value, JsonNode schema, String path, List<String> problems) {
    if (schema == null || schema.isMissingNode() || schema.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
      return;
    }
    if (value.isObject()) {
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (path.equals("$") && (field.getKey().equals("apiVersion") || field.getKey().equals("kind")
            || field.getKey().equals("metadata"))) {
          continue;
        }
        if (properties.has(field.getKey())) {
          unknownFields(field.getValue(), properties.get(field.getKey()), path + "." + field.getKey(), problems);
        } else if (additional.isObject()) {
          unknownFields(field.getValue(), additional, path + "." + field.getKey(), problems);
        } else if (properties.isObject() && !additional.asBoolean(false)) {
          problems.add(path + "." + field.getKey() + ": unknown field (the schema has " + names(properties) + ")");
        }
      }
    } else if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        unknownFields(value.get(i), schema.path("items"), path + "[" + i + "]", problems);
      }
    }
  }

  private static String names(JsonNode properties) {
    List<String> names = new ArrayList<>();
    properties.fieldNames().forEachRemaining(names::add);
    return String.join(", ", names);
  }

  /** Fields a model class did not know: fabric8's and Strimzi's classes keep them aside instead of failing. */
  private static void unknownProperties(Object value, String path, List<String> problems) throws Exception {
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean || value instanceof Enum) {
      return;
    }
    if (value instanceof Collection<?> collection) {
      int i = 0;
      for (Object element : collection) {
        unknownProperties(element, path + "[" + i++ + "]", problems);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        unknownProperties(entry.getValue(), path + "." + entry.getKey(), problems);
      }
      return;
    }
    String type = value.getClass().getName();
    if (!type.startsWith("io.fabric8.kubernetes.api.model") && !type.startsWith("io.strimzi.api")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers()) || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object field = getter.invoke(value);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
          problems.add((path.isEmpty() ? "$" : path) + ": unknown field(s) " + extra.keySet());
        }
        continue;
      }
      unknownProperties(field, path + "." + Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4), problems);
    }
  }
}
