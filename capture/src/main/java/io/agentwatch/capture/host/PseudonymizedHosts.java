package io.agentwatch.capture.host;

import io.agentwatch.capture.flow.Flow;
import io.agentwatch.schema.FlowRecord;
import java.util.Objects;

/** Another attribution, with the host's address replaced by its pseudonym wherever it shows. */
record PseudonymizedHosts(HostAttribution names, Pseudonymizer pseudonymizer) implements HostAttribution {

  PseudonymizedHosts {
    Objects.requireNonNull(names, "pseudonymised host attribution: the attribution is missing");
    Objects.requireNonNull(pseudonymizer, "pseudonymised host attribution: the pseudonymizer is missing");
  }

  @Override
  public void describe(Flow flow, FlowRecord.Builder record) {
    names.describe(flow, record);
    String pseudonym = pseudonymizer.pseudonym(flow.key().ipVersion(), flow.initiatorAddressHi(), flow.initiatorAddressLo());
    if (record.getHost().equals(record.getSrcIp())) {
      record.setHost(pseudonym); // the host had no name but its address
    }
    record.setSrcIp(pseudonym).setCommunityId(null);
  }
}
