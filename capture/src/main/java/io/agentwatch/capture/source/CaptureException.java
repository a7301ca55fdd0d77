package io.agentwatch.capture.source;

/**
 * A capture cannot be read (missing file, not a capture, truncated, corrupt record). The message
 * names the input and says what is wrong, so it can be shown to a user as it is.
 */
public class CaptureException extends Exception {

  private final long packetsBefore;

  public CaptureException(String message, long packetsBefore, Throwable cause) {
    super(message, cause);
    this.packetsBefore = packetsBefore;
  }

  public CaptureException(String message, Throwable cause) {
    this(message, 0, cause);
  }

  /** How many frames were read successfully before the problem. */
  public long packetsBefore() {
    return packetsBefore;
  }
}
