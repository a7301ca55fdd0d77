package io.agentwatch.capture.synth;

import java.util.List;

/** The frames of one synthetic TCP session, in order, and the truth about them. */
public record TcpSession(List<SyntheticPacket> packets, SessionTruth truth) {

  public TcpSession {
    packets = List.copyOf(packets);
  }
}
