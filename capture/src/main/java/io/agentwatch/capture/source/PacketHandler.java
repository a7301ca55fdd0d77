package io.agentwatch.capture.source;

/**
 * Receives each captured frame. The array is only valid during the call: a source may reuse it
 * for the next frame, so a handler that keeps bytes must copy them.
 */
@FunctionalInterface
public interface PacketHandler {

  /**
   * @param timestampNanos capture time, nanoseconds since the Unix epoch
   * @param linkType the libpcap DLT value of the frame's link layer (1 = Ethernet, ...)
   * @param length captured bytes available from {@code offset}
   */
  void onPacket(long timestampNanos, int linkType, byte[] data, int offset, int length);

  /**
   * Time has reached {@code nowNanos} without a packet: a live source calls this about once a
   * second, so flows on a quiet link still end on their idle timeout. Never concurrent with
   * {@link #onPacket}.
   */
  default void onClock(long nowNanos) {}
}
