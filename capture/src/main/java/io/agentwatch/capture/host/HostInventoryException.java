package io.agentwatch.capture.host;

/** A host inventory file cannot be used; the message names the file, the line and the problem. */
public class HostInventoryException extends RuntimeException {

  public HostInventoryException(String message) {
    super(message);
  }

  public HostInventoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
