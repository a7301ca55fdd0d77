package io.agentwatch.capture.source;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Replays a capture file for the sensor service and `agentwatch up`: as fast as it can be read,
 * at the pace it was recorded (each frame is delivered when as much wall time has passed since the
 * first frame as capture time did), or N times that pace; stoppable from another thread like a
 * live capture.
 */
public final class ReplaySource implements PacketSource {

  private final PacketSource file;
  private final double speed;
  private volatile boolean stopped;

  public ReplaySource(PacketSource file, boolean recordedSpeed) {
    this(file, recordedSpeed ? 1 : 0);
  }

  /** @param speed 1 for the recorded pace, 2 for twice as fast, ...; 0 for as fast as it can be read */
  public ReplaySource(PacketSource file, double speed) {
    if (!(speed >= 0) || Double.isInfinite(speed)) {
      throw new IllegalArgumentException("replay speed " + speed + ": expected 0 (as fast as possible) or a positive factor");
    }
    this.file = file;
    this.speed = speed;
  }

  @Override
  public String name() {
    return file.name();
  }

  /** Ends {@link #run} before the next frame; safe from any thread. */
  @Override
  public void stop() {
    stopped = true;
  }

  @Override
  public long run(PacketHandler handler) throws CaptureException {
    Pacer pacer = new Pacer();
    try {
      return file.run((timestampNanos, linkType, data, offset, length) -> {
        if (stopped) {
          throw new Stopped();
        }
        if (speed > 0) {
          pacer.waitFor(timestampNanos);
        }
        pacer.frames++;
        handler.onPacket(timestampNanos, linkType, data, offset, length);
      });
    } catch (Stopped e) {
      return pacer.frames;
    }
  }

  @Override
  public Optional<CaptureCounters> counters() {
    return file.counters();
  }

  @Override
  public void close() {
    stop();
    file.close();
  }

  private final class Pacer {
    private long firstCaptureNanos = Long.MIN_VALUE;
    private long firstWallNanos;
    private long frames;

    void waitFor(long captureNanos) {
      if (firstCaptureNanos == Long.MIN_VALUE) {
        firstCaptureNanos = captureNanos;
        firstWallNanos = System.nanoTime();
        return;
      }
      long due = firstWallNanos + (long) ((captureNanos - firstCaptureNanos) / speed);
      long wait;
      while (!stopped && (wait = due - System.nanoTime()) > TimeUnit.MICROSECONDS.toNanos(200)) {
        LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)));
      }
    }
  }

  /** Unwinds the file reader's loop when stopped; never leaves this class. */
  private static final class Stopped extends RuntimeException {
    Stopped() {
      super(null, null, false, false);
    }
  }
}
