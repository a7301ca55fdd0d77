package io.agentwatch.delivery.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentwatch.delivery.alert.Alert;

/** The body of a Splunk HTTP Event Collector request ({@code /services/collector/event}): the alert JSON as the event. */
public final class SplunkHecEvent {

  public static final String SOURCETYPE = "agentwatch:alert";

  private SplunkHecEvent() {}

  public static ObjectNode of(Alert alert, String index) {
    ObjectNode event = AlertJson.MAPPER.createObjectNode();
    event.put("time", alert.record().getWindowEnd().toEpochMilli() / 1000.0);
    event.put("host", alert.record().getHost());
    event.put("source", "agentwatch");
    event.put("sourcetype", SOURCETYPE);
    if (index != null && !index.isEmpty()) {
      event.put("index", index);
    }
    event.set("event", AlertJson.of(alert));
    return event;
  }
}
