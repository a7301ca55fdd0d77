package io.agentwatch.jobs.aggregate;

import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.FlowText;

/** How an alert names a flow: its Community ID when the record carries one, else its 5-tuple. */
public final class FlowKeys {

  private FlowKeys() {}

  public static String of(FlowRecord flow) {
    // Records from sensors older than community_id (the schema's default: null) fall back to the 5-tuple.
    String communityId = flow.getCommunityId();
    if (communityId != null && !communityId.isEmpty()) {
      return communityId;
    }
    return FlowText.of(flow.getTransport()) + " " + endpoint(flow.getSrcIp(), flow.getSrcPort())
        + " > " + endpoint(flow.getDstIp(), flow.getDstPort());
  }

  private static String endpoint(String ip, int port) {
    return ip.indexOf(':') >= 0 ? "[" + ip + "]:" + port : ip + ":" + port;
  }
}
