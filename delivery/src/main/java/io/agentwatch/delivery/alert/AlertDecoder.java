package io.agentwatch.delivery.alert;

import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.SingleObjectCodec;

/**
 * Messages of the alerts topic (Avro single-object encoding, as the detection job writes them) to
 * alerts; every released ExposureAlert version is read (the codec's schema history), so alerts
 * written before an upgrade are still delivered.
 */
public final class AlertDecoder {

  private final SingleObjectCodec<ExposureAlert> codec = SingleObjectCodec.exposureAlerts();

  /** @throws IllegalArgumentException naming the problem when the bytes are not an alert this reader knows */
  public Alert decode(byte[] message) {
    try {
      return Alert.of(codec.decode(message));
    } catch (SingleObjectCodec.MalformedMessageException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
