package io.agentwatch.delivery.receiver;

import java.time.Clock;
import java.time.Duration;

/** The receiver a configuration describes. */
public final class Receivers {

  private Receivers() {}

  /** @param timeout for connecting and for an answer */
  public static Receiver open(ReceiverConfig config, Duration timeout, String productVersion) {
    return config.type() == ReceiverConfig.Type.SYSLOG
        ? new SyslogReceiver(config, timeout, productVersion, Clock.systemUTC())
        : new HttpReceiver(config, timeout, productVersion);
  }
}
