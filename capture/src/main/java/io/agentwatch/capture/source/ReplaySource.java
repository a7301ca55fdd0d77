package io.agentwatch.capture.source;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Replays a capture file for the sensor service: as fast as it can be read, or at the pace it was
 * recorded (each frame is delivered when as much wall time has passed since the first frame as
 * capture time did), and stoppable from another thread like a live capture.
 */
public final class ReplaySource implements PacketSource {

  private final PacketSource file;
  private final boolean recordedSpeed;
  private volatile boolean stopped;

  public ReplaySource(PacketSource file, boolean recordedSpeed) {
    this.file = file;
    this.recordedSpeed = recordedSpeed;
  }

  @Override
  public String name() {
    return file.name();
  }

  /** Ends {@link #run} before the next frame; safe from any thread. */
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
        if (recordedSpeed) {
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
      long due = firstWallNanos + (captureNanos - firstCaptureNanos);
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
