package io.agentwatch.delivery;

import io.agentwatch.delivery.alert.Alert;
import io.agentwatch.delivery.receiver.DeliveryException;
import io.agentwatch.delivery.receiver.Receiver;
import io.agentwatch.delivery.receiver.ReceiverConfig;
import io.agentwatch.delivery.receiver.Receivers;
import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.FlowContribution;
import io.agentwatch.schema.SchemaTrust;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** A made-up alert that says it is a test, for checking a receiver's setup (`agentwatch alerts test-delivery NAME`). */
public final class TestAlert {

  static {
    SchemaTrust.ensure(); // the builder resolves the nested record classes, which Avro trusts only once told
  }

  private TestAlert() {}

  public static ExposureAlert at(Instant now) {
    Instant end = now.truncatedTo(ChronoUnit.MINUTES);
    return ExposureAlert.newBuilder()
        .setAlertId("test/" + now.toEpochMilli())
        .setDetector("test")
        .setHost("agentwatch-test-host")
        .setVendor("ExampleAI")
        .setService("api")
        .setWindowStart(end.minus(1, ChronoUnit.MINUTES))
        .setWindowEnd(end)
        .setObserved(75_000_000)
        .setBaseline(57_000)
        .setScore(7)
        .setTopFlows(List.of(new FlowContribution("1:test-community-id=", 75_000_000L)))
        .setReason("Test alert from AgentWatch: if you read this, delivery to this receiver works.")
        .build();
  }

  /**
   * Sends the test alert once, whatever the receiver's route says.
   *
   * @return what the receiver answered
   * @throws DeliveryException naming what failed
   */
  public static String send(DeliveryConfig config, String receiverName, String productVersion, Instant now)
      throws DeliveryException {
    ReceiverConfig receiver = config.receiver(receiverName);
    try (Receiver open = Receivers.open(receiver, config.timeout(), productVersion)) {
      return open.send(Alert.of(at(now)));
    }
  }
}
