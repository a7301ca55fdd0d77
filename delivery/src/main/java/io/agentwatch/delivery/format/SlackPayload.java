package io.agentwatch.delivery.format;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentwatch.delivery.alert.Alert;

/**
 * A Slack incoming-webhook message: {@code text} (the notification and the fallback) and Block Kit
 * blocks (a header, the reason, the facts as fields). Mattermost and Rocket.Chat read the same.
 */
public final class SlackPayload {

  private SlackPayload() {}

  public static ObjectNode of(Alert alert) {
    ObjectNode message = AlertJson.MAPPER.createObjectNode();
    message.put("text", AlertText.title(alert) + " — " + alert.record().getReason());
    ArrayNode blocks = message.putArray("blocks");
    ObjectNode header = blocks.addObject().put("type", "header");
    header.putObject("text").put("type", "plain_text").put("text", truncate(AlertText.title(alert), 150));
    blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", alert.record().getReason());
    ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
    for (String[] fact : AlertText.facts(alert)) {
      fields.addObject().put("type", "mrkdwn").put("text", "*" + fact[0] + "*\n" + fact[1]);
    }
    return message;
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
