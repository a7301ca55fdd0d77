package io.agentwatch.delivery.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentwatch.delivery.alert.Alert;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * An alert as one JSON object: every field of the ExposureAlert schema under its own name (times
 * as ISO-8601 UTC), so fields the schema gains appear without a change here, plus, when the
 * alert lacks them, the severity (derived from the score), the version and the incident id.
 */
public final class AlertJson {

  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AlertJson() {}

  public static ObjectNode of(Alert alert) {
    ObjectNode json = record(alert.record());
    if (json.path("severity").asText("").isEmpty()) {
      json.put("severity", alert.severity().text()); // derived from the score: the alert has none
    }
    if (!json.has("version")) {
      json.put("version", alert.version());
    }
    if (!json.has("incident_id")) {
      json.put("incident_id", alert.incidentId());
    }
    return json;
  }

  public static byte[] bytes(JsonNode json) {
    try {
      return MAPPER.writeValueAsBytes(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  public static String text(JsonNode json) {
    return new String(bytes(json), StandardCharsets.UTF_8);
  }

  private static ObjectNode record(IndexedRecord record) {
    ObjectNode json = NODES.objectNode();
    for (Schema.Field field : record.getSchema().getFields()) {
      json.set(field.name(), value(record.get(field.pos())));
    }
    return json;
  }

  private static JsonNode value(Object value) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof IndexedRecord nested) {
      return record(nested);
    }
    if (value instanceof Collection<?> items) {
      ArrayNode array = NODES.arrayNode();
      items.forEach(item -> array.add(value(item)));
      return array;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = NODES.objectNode();
      map.forEach((key, item) -> object.set(String.valueOf(key), value(item)));
      return object;
    }
    if (value instanceof Instant instant) {
      return NODES.textNode(instant.toString());
    }
    if (value instanceof Long number) {
      return NODES.numberNode(number);
    }
    if (value instanceof Integer number) {
      return NODES.numberNode(number);
    }
    if (value instanceof Double number) {
      return NODES.numberNode(number);
    }
    if (value instanceof Float number) {
      return NODES.numberNode(number);
    }
    if (value instanceof Boolean flag) {
      return NODES.booleanNode(flag);
    }
    return NODES.textNode(value.toString());
  }
}
