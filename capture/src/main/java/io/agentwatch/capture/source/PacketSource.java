package io.agentwatch.capture.source;

/**
 * Where frames come from: a capture file now, a live interface or a faster direct file reader
 * later. {@link #run} delivers every frame to the handler and returns at the end of the input.
 */
public interface PacketSource extends AutoCloseable {

  /** A short name for messages and logs, e.g. the file name. */
  String name();

  /**
   * Delivers frames until the input ends.
   *
   * @return the number of frames delivered
   * @throws CaptureException if the input cannot be read to its end; frames delivered before the
   *     problem stay delivered
   */
  long run(PacketHandler handler) throws CaptureException;

  @Override
  void close();
}
