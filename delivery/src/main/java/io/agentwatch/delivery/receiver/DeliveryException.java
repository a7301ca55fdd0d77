package io.agentwatch.delivery.receiver;

/** A receiver did not accept an alert: unreachable, timed out, or answered with an error. */
public final class DeliveryException extends Exception {

  public DeliveryException(String message, Throwable cause) {
    super(message, cause);
  }
}
