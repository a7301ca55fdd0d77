package io.agentwatch.capture.source;

import java.util.Optional;

/**
 * Where frames come from: a capture file ({@link DirectFileSource}, {@link PcapFileSource}) or live
 * interfaces ({@link LiveCaptureSource}). {@link #run} delivers every frame to the handler and
 * returns at the end of the input (or, live, when stopped).
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

  /**
   * Ends {@link #run} early, from any thread (a live capture, a paced replay); a plain file ends
   * on its own and ignores it.
   */
  default void stop() {}

  /** libpcap's received/dropped counters of a live capture; empty for a file. */
  default Optional<CaptureCounters> counters() {
    return Optional.empty();
  }

  @Override
  void close();
}
