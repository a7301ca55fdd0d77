package io.agentwatch.capture.source;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.PcapStat;

/**
 * Captures live from one or more interfaces through libpcap (pcap4j). {@link #run} delivers frames
 * until {@link #stop()} is called (from another thread, e.g. a SIGINT/SIGTERM hook) and returns
 * once every interface has stopped, so the caller can flush its flows. With several interfaces each
 * is read on its own thread and frames reach the handler one at a time (the sensor is
 * single-threaded); their order across interfaces is arrival order.
 */
public final class LiveCaptureSource implements PacketSource {

  private static final long CLOCK_MILLIS = 1000;
  /** A filter no frame passes (none is shorter than 0 bytes): holds an open capture closed. */
  private static final String NOTHING = "less 0";

  private final LiveCaptureConfig config;
  private final List<PcapHandle> handles;
  private final Object handlerLock = new Object();
  private volatile boolean held;
  private volatile boolean stopped;
  private volatile CaptureException failure;
  private long delivered;

  private LiveCaptureSource(LiveCaptureConfig config, List<PcapHandle> handles) {
    this.config = config;
    this.handles = handles;
  }

  /**
   * Opens every interface and applies the filter.
   *
   * @throws CaptureException naming the interface that cannot be opened or the filter that does not compile
   */
  public static LiveCaptureSource open(LiveCaptureConfig config) throws CaptureException {
    config.validate();
    List<PcapHandle> handles = new ArrayList<>();
    LiveCaptureSource source = new LiveCaptureSource(config, handles);
    try {
      for (String name : config.interfaces()) {
        handles.add(openInterface(config, name));
      }
      if (config.filter() != null && !config.filter().isBlank()) {
        for (int i = 0; i < handles.size(); i++) {
          source.setFilter(i, config.filter());
        }
      }
    } catch (CaptureException e) {
      handles.forEach(PcapHandle::close);
      throw e;
    }
    return source;
  }

  private static PcapHandle openInterface(LiveCaptureConfig config, String name) throws CaptureException {
    try {
      return new PcapHandle.Builder(name)
          .snaplen(config.snapLength())
          .promiscuousMode(config.promiscuous() ? PromiscuousMode.PROMISCUOUS : PromiscuousMode.NONPROMISCUOUS)
          .bufferSize(config.bufferBytes())
          .immediateMode(config.immediate())
          .timeoutMillis(config.pollMillis())
          .timestampPrecision(PcapHandle.TimestampPrecision.NANO)
          .build();
    } catch (PcapNativeException | RuntimeException | UnsatisfiedLinkError e) {
      throw new CaptureException(name + ": cannot capture on this interface (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Like {@link #open}, so every problem (interface, permission, filter) shows at once, but no frame
   * enters the kernel buffer until {@link #run}: time spent between the two (the sensor's JIT
   * warm-up) neither fills the buffer nor counts as drops. Frames before {@link #run} are not seen.
   */
  public static LiveCaptureSource openHeld(LiveCaptureConfig config) throws CaptureException {
    LiveCaptureSource source = open(config);
    try {
      for (int i = 0; i < source.handles.size(); i++) {
        source.setFilter(i, NOTHING);
      }
    } catch (CaptureException e) {
      source.close();
      throw e;
    }
    source.held = true;
    return source;
  }

  private void setFilter(int index, String filter) throws CaptureException {
    String name = config.interfaces().get(index);
    try {
      handles.get(index).setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
    } catch (PcapNativeException | NotOpenException e) {
      throw CaptureException.invalidFilter(name, filter, e);
    }
  }

  /** True once {@link #stop} has been called. */
  public boolean isStopped() {
    return stopped;
  }

  @Override
  public String name() {
    return String.join("+", config.interfaces());
  }

  /**
   * Ends {@link #run} soon; safe to call from any thread. In immediate mode libpcap ignores the read
   * timeout and blocks until a packet comes, so the readers are woken with pcap_breakloop.
   */
  @Override
  public void stop() {
    stopped = true;
    for (PcapHandle handle : handles) {
      try {
        handle.breakLoop();
      } catch (NotOpenException alreadyClosed) {
        // nothing left to wake
      }
    }
  }

  @Override
  public long run(PacketHandler handler) throws CaptureException {
    if (held) {
      String filter = config.filter() == null ? "" : config.filter();
      for (int i = 0; i < handles.size(); i++) {
        setFilter(i, filter);
      }
      held = false;
    }
    Thread clock = new Thread(() -> tickUntilStopped(handler), "capture-clock");
    clock.setDaemon(true);
    clock.start();
    try {
      readAll(handler);
    } finally {
      clock.interrupt();
    }
    if (failure != null) {
      throw failure;
    }
    return delivered;
  }

  /** Tells the handler the time once a second, so idle flows end on a quiet link too. */
  private void tickUntilStopped(PacketHandler handler) {
    while (!stopped) {
      try {
        Thread.sleep(CLOCK_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      synchronized (handlerLock) {
        if (!stopped) {
          Instant now = Instant.now();
          handler.onClock(now.getEpochSecond() * 1_000_000_000L + now.getNano());
        }
      }
    }
  }

  private void readAll(PacketHandler handler) throws CaptureException {
    if (handles.size() == 1) {
      capture(handles.get(0), config.interfaces().get(0), handler);
    } else {
      List<Thread> readers = new ArrayList<>();
      for (int i = 0; i < handles.size(); i++) {
        PcapHandle handle = handles.get(i);
        String name = config.interfaces().get(i);
        Thread reader = new Thread(() -> captureOrRecord(handle, name, handler), "capture-" + name);
        reader.setDaemon(true);
        reader.start();
        readers.add(reader);
      }
      for (Thread reader : readers) {
        joinUninterruptibly(reader);
      }
    }
  }

  private void captureOrRecord(PcapHandle handle, String name, PacketHandler handler) {
    try {
      capture(handle, name, handler);
    } catch (CaptureException e) {
      failure = e;
      stopped = true;
    }
  }

  private void capture(PcapHandle handle, String name, PacketHandler handler) throws CaptureException {
    int linkType = handle.getDlt().value();
    PcapNextReader reader;
    try {
      reader = PcapNextReader.of(handle, config.snapLength());
    } catch (IllegalStateException e) {
      throw new CaptureException(name + ": cannot read packets (" + e.getMessage() + ")", e);
    }
    while (!stopped) {
      PcapNextReader.Result result;
      try {
        result = reader.next();
      } catch (PcapNextReader.CaptureFailure e) {
        throw new CaptureException(name + ": capture failed after " + delivered + " packets (" + e.getMessage() + ")", delivered, e);
      }
      if (result == PcapNextReader.Result.END) {
        return;
      }
      if (result == PcapNextReader.Result.PACKET) {
        synchronized (handlerLock) {
          handler.onPacket(reader.timestampNanos(), linkType, reader.frame(), 0, reader.length());
          delivered++;
        }
      }
    }
  }

  private static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** libpcap's counters summed over the interfaces (since the capture opened). */
  @Override
  public Optional<CaptureCounters> counters() {
    CaptureCounters sum = CaptureCounters.NONE;
    for (PcapHandle handle : handles) {
      try {
        PcapStat stat = handle.getStats();
        sum = sum.plus(new CaptureCounters(stat.getNumPacketsReceived(), stat.getNumPacketsDropped(), stat.getNumPacketsDroppedByIf()));
      } catch (PcapNativeException | NotOpenException e) {
        // a closed handle has no counters left to report
      }
    }
    return Optional.of(sum);
  }

  @Override
  public void close() {
    stop();
    handles.forEach(PcapHandle::close);
  }
}
