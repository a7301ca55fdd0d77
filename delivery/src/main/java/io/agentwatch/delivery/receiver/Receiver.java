package io.agentwatch.delivery.receiver;

import io.agentwatch.delivery.alert.Alert;

/** Where alerts go: one webhook, chat channel, SIEM collector or syslog listener. */
public interface Receiver extends AutoCloseable {

  ReceiverConfig config();

  /**
   * Sends one alert, once (retries are the caller's).
   *
   * @return what the receiver answered, for people ("HTTP 200 ok", "sent 512 bytes over tcp")
   * @throws DeliveryException when the receiver did not accept it
   */
  String send(Alert alert) throws DeliveryException;

  @Override
  void close();
}
