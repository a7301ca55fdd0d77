package io.agentwatch.capture.source;

/**
 * A capture cannot be read (missing file, not a capture, truncated, corrupt record). The message
 * names the input and says what is wrong, so it can be shown to a user as it is. The factories
 * below are the one wording every reader uses: users (and FileSourceContractTest) see the same
 * message whichever reader ran.
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

  public static CaptureException noSuchFile(Object file) {
    return new CaptureException(file + ": no such capture file", null);
  }

  public static CaptureException notReadable(Object file) {
    return new CaptureException(file + ": capture file is not readable", null);
  }

  public static CaptureException invalidFilter(Object source, String filter, Throwable cause) {
    return new CaptureException(source + ": invalid BPF filter '" + filter + "' (" + cause.getMessage() + ")", cause);
  }

  public static CaptureException notACapture(Object file, String detail, Throwable cause) {
    return new CaptureException(file + ": not a readable pcap/pcapng capture (" + detail + ")", cause);
  }

  public static CaptureException truncated(String name, long delivered, String detail, Throwable cause) {
    return new CaptureException(
        name + ": truncated in the middle of a packet after " + delivered + " packets (" + detail + ")", delivered, cause);
  }

  public static CaptureException corrupt(String name, long delivered, String detail, Throwable cause) {
    return new CaptureException(name + ": corrupt capture after " + delivered + " packets (" + detail + ")", delivered, cause);
  }

  public static CaptureException invalidTimestamp(String name, long delivered, Throwable cause) {
    return new CaptureException(
        name + ": corrupt record header (invalid timestamp) after " + delivered + " packets", delivered, cause);
  }

  /** How many frames were read successfully before the problem. */
  public long packetsBefore() {
    return packetsBefore;
  }
}
