package io.agentwatch.jobs.aggregate;

import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.FlowText;
import org.apache.avro.Schema;

/** How an alert names a flow: its Community ID when the record carries one, else its 5-tuple. */
public final class FlowKeys {

  private FlowKeys() {}

  public static String of(FlowRecord flow) {
    // Looked up by name: FlowRecord gains community_id in the sensor's schema work; until then,
    // or for records from older sensors, the 5-tuple names the flow.
    Schema.Field communityId = flow.getSchema().getField("community_id");
    if (communityId != null) {
      Object id = flow.get(communityId.pos());
      if (id != null && !id.toString().isEmpty()) {
        return id.toString();
      }
    }
    return FlowText.of(flow.getTransport()) + " " + endpoint(flow.getSrcIp(), flow.getSrcPort())
        + " > " + endpoint(flow.getDstIp(), flow.getDstPort());
  }

  private static String endpoint(String ip, int port) {
    return ip.indexOf(':') >= 0 ? "[" + ip + "]:" + port : ip + ":" + port;
  }
}
