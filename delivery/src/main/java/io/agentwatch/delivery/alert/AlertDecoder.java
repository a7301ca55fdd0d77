package io.agentwatch.delivery.alert;

import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.SchemaTrust;
import java.io.IOException;
import org.apache.avro.message.BinaryMessageDecoder;

/** Messages of the alerts topic (Avro single-object encoding, as the detection job writes them) to alerts. */
public final class AlertDecoder {

  static {
    SchemaTrust.ensure();
  }

  private final BinaryMessageDecoder<ExposureAlert> decoder = ExposureAlert.getDecoder();

  /** @throws IllegalArgumentException naming the problem when the bytes are not an alert this reader knows */
  public Alert decode(byte[] message) {
    try {
      return Alert.of(decoder.decode(message));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not an ExposureAlert message of a known schema (" + message.length
          + " bytes): " + e.getMessage(), e);
    }
  }
}
