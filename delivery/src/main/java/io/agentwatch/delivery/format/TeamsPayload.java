package io.agentwatch.delivery.format;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentwatch.delivery.alert.Alert;
import io.agentwatch.delivery.alert.Severity;

/**
 * Microsoft Teams incoming-webhook payloads: the legacy Office 365 connector's MessageCard, or an
 * Adaptive Card in a message (what Teams workflows' "post to a channel when a webhook request is
 * received" expects).
 */
public final class TeamsPayload {

  private TeamsPayload() {}

  public static ObjectNode messageCard(Alert alert) {
    ObjectNode card = AlertJson.MAPPER.createObjectNode();
    card.put("@type", "MessageCard");
    card.put("@context", "https://schema.org/extensions");
    card.put("summary", AlertText.title(alert));
    card.put("themeColor", color(alert.severity()));
    card.put("title", AlertText.title(alert));
    card.put("text", alert.record().getReason());
    ArrayNode facts = card.putArray("sections").addObject().putArray("facts");
    for (String[] fact : AlertText.facts(alert)) {
      facts.addObject().put("name", fact[0]).put("value", fact[1]);
    }
    return card;
  }

  public static ObjectNode adaptiveCard(Alert alert) {
    ObjectNode message = AlertJson.MAPPER.createObjectNode();
    message.put("type", "message");
    ObjectNode attachment = message.putArray("attachments").addObject();
    attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
    ObjectNode card = attachment.putObject("content");
    card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
    card.put("type", "AdaptiveCard");
    card.put("version", "1.4");
    ArrayNode body = card.putArray("body");
    body.addObject().put("type", "TextBlock").put("size", "Medium").put("weight", "Bolder").put("wrap", true)
        .put("color", alert.severity().compareTo(Severity.HIGH) >= 0 ? "Attention" : "Warning")
        .put("text", AlertText.title(alert));
    body.addObject().put("type", "TextBlock").put("wrap", true).put("text", alert.record().getReason());
    ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
    for (String[] fact : AlertText.facts(alert)) {
      facts.addObject().put("title", fact[0]).put("value", fact[1]);
    }
    return message;
  }

  private static String color(Severity severity) {
    return switch (severity) {
      case LOW -> "2E86C1";
      case MEDIUM -> "F1C40F";
      case HIGH -> "E67E22";
      case CRITICAL -> "C0392B";
    };
  }
}
