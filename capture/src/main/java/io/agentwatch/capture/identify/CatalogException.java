package io.agentwatch.capture.identify;

/** An endpoint catalog file cannot be used; the message names the file, the line and the reason. */
public class CatalogException extends RuntimeException {

  public CatalogException(String message, Throwable cause) {
    super(message, cause);
  }
}
