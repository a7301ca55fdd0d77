package io.agentwatch.capture.service;

/** The Kafka cluster refused the sensor at start: its credentials, or its right to write the topic. */
public final class KafkaRejectedException extends RuntimeException {

  KafkaRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
