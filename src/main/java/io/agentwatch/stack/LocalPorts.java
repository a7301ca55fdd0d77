package io.agentwatch.stack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Ports for the local services this process starts (the broker, a test's Flink cluster). */
public final class LocalPorts {

  /** Handed out already in this process: a port is not bound between choice and use. */
  private static final Set<Integer> PICKED_PORTS = ConcurrentHashMap.newKeySet();

  private LocalPorts() {}

  /**
   * A free port on 127.0.0.1 below the kernel's ephemeral range. Ports inside that range are what
   * the kernel hands out for outgoing connections and for "any free port" requests, so while a
   * broker is stopped another socket could take its port and the restart would fail; below the
   * range nothing takes a port unless asked for it by number. Falls back to a kernel-chosen port
   * when the ephemeral range leaves no room below it.
   */
  public static int free() {
    int ephemeralLow = ephemeralRangeStart();
    int low = 10_000;
    if (ephemeralLow - low >= 1_000) {
      for (int attempt = 0; attempt < 200; attempt++) {
        int candidate = ThreadLocalRandom.current().nextInt(low, ephemeralLow);
        if (!PICKED_PORTS.contains(candidate) && canBind(candidate) && PICKED_PORTS.add(candidate)) {
          return candidate;
        }
      }
    }
    try (ServerSocket socket = new ServerSocket(0)) {
      PICKED_PORTS.add(socket.getLocalPort());
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free local port", e);
    }
  }

  private static boolean canBind(int candidate) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), candidate));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of {@code net.ipv4.ip_local_port_range} (Linux), or the IANA 49152 elsewhere. */
  private static int ephemeralRangeStart() {
    // Read line by line: Files.readString trusts the size procfs reports, which may be wrong.
    try (BufferedReader reader = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
      return Integer.parseInt(reader.readLine().trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 49_152;
    }
  }
}
