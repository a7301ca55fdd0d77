package io.agentwatch.capture.synth;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Writes a whole TCP session as a sensor would capture it: the three-way handshake, a TLS
 * ClientHello with the chosen SNI from the client (split into segments of at most {@code mss}
 * bytes), upload segments, download segments, and a FIN/ACK teardown (or a RST, or none). Each
 * packet is {@code packetInterval} after the previous one. {@link TcpSession#truth()} tells exactly
 * what was written.
 *
 * <pre>{@code
 * TcpSession session = TcpSessionBuilder.between("10.1.2.3", 50123, "160.79.104.10", 443)
 *     .startingAt(Instant.parse("2025-01-01T09:00:00Z"))
 *     .serverName("api.anthropic.com")
 *     .upload(1400, 1400, 600)
 *     .download(900)
 *     .build();
 * }</pre>
 */
public final class TcpSessionBuilder {

  /** How the session ends. */
  public enum Teardown {
    /** FIN/ACK from the client, FIN/ACK from the server, last ACK from the client. */
    FIN,
    /** One RST/ACK from the client. */
    RST,
    /** Nothing: the flow stays open until idle timeout or the end of the capture. */
    NONE
  }

  private static final int FIN = 0x01;
  private static final int SYN = 0x02;
  private static final int RST = 0x04;
  private static final int PSH = 0x08;
  private static final int ACK = 0x10;

  private final String clientIp;
  private final int clientPort;
  private final String serverIp;
  private final int serverPort;
  private Instant start = Instant.parse("2025-01-01T00:00:00Z");
  private Duration packetInterval = Duration.ofMillis(1);
  private String serverName;
  private boolean sendClientHello = true;
  private boolean postQuantum;
  private List<String> alpn = List.of("h2", "http/1.1");
  private int[] uploadSizes = new int[0];
  private int[] downloadSizes = new int[0];
  private int mss = 1460;
  private int vlanId;
  private Teardown teardown = Teardown.FIN;
  private long seed = 7;

  private TcpSessionBuilder(String clientIp, int clientPort, String serverIp, int serverPort) {
    this.clientIp = clientIp;
    this.clientPort = requirePort("clientPort", clientPort);
    this.serverIp = serverIp;
    this.serverPort = requirePort("serverPort", serverPort);
  }

  public static TcpSessionBuilder between(String clientIp, int clientPort, String serverIp, int serverPort) {
    return new TcpSessionBuilder(clientIp, clientPort, serverIp, serverPort);
  }

  public TcpSessionBuilder startingAt(Instant start) {
    this.start = start.truncatedTo(ChronoUnit.MICROS);
    return this;
  }

  /** Time between consecutive packets; at least one microsecond (pcap resolution). */
  public TcpSessionBuilder packetInterval(Duration interval) {
    if (interval.compareTo(Duration.ofNanos(1000)) < 0) {
      throw new IllegalArgumentException("packetInterval must be at least 1 microsecond, was " + interval);
    }
    this.packetInterval = interval.truncatedTo(ChronoUnit.MICROS);
    return this;
  }

  /** SNI of the ClientHello; null sends a ClientHello without server_name. */
  public TcpSessionBuilder serverName(String serverName) {
    this.serverName = serverName;
    return this;
  }

  /** Whether the client opens with a TLS ClientHello at all (default yes). */
  public TcpSessionBuilder clientHello(boolean send) {
    this.sendClientHello = send;
    return this;
  }

  public TcpSessionBuilder postQuantum(boolean postQuantum) {
    this.postQuantum = postQuantum;
    return this;
  }

  public TcpSessionBuilder alpn(List<String> protocols) {
    this.alpn = List.copyOf(protocols);
    return this;
  }

  /** Payload sizes of the client's data segments after the ClientHello, one segment each. */
  public TcpSessionBuilder upload(int... payloadSizes) {
    this.uploadSizes = requireSizes("upload", payloadSizes);
    return this;
  }

  /** Payload sizes of the server's data segments, one segment each. */
  public TcpSessionBuilder download(int... payloadSizes) {
    this.downloadSizes = requireSizes("download", payloadSizes);
    return this;
  }

  /** Largest ClientHello segment payload. */
  public TcpSessionBuilder mss(int mss) {
    if (mss < 1 || mss > 65495) {
      throw new IllegalArgumentException("mss must be 1..65495, was " + mss);
    }
    this.mss = mss;
    return this;
  }

  public TcpSessionBuilder vlan(int vlanId) {
    this.vlanId = vlanId;
    return this;
  }

  public TcpSessionBuilder teardown(Teardown teardown) {
    this.teardown = teardown;
    return this;
  }

  /** Seed for sequence numbers, TLS random values and payload bytes. */
  public TcpSessionBuilder seed(long seed) {
    this.seed = seed;
    return this;
  }

  public TcpSession build() {
    return new Writer().write();
  }

  private static int requirePort(String name, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(name + " must be 1..65535, was " + port);
    }
    return port;
  }

  private static int[] requireSizes(String what, int[] sizes) {
    for (int size : sizes) {
      if (size < 1 || size > 65495) {
        throw new IllegalArgumentException(what + " segment size must be 1..65495, was " + size);
      }
    }
    return sizes.clone();
  }

  /** Lays the packets out one after another, counting what it lays. */
  private final class Writer {
    private final FrameBuilder frames = new FrameBuilder(vlanId);
    private final Random random = new Random(seed);
    private final List<SyntheticPacket> packets = new ArrayList<>();
    private long clientSeq = random.nextInt() & 0xffffffffL;
    private long serverSeq = random.nextInt() & 0xffffffffL;
    private long packetsUp;
    private long packetsDown;
    private long bytesUp;
    private long bytesDown;

    TcpSession write() {
      fromClient(SYN, new byte[0]);
      clientSeq++;
      fromServer(SYN | ACK, new byte[0]);
      serverSeq++;
      fromClient(ACK, new byte[0]);
      if (sendClientHello) {
        byte[] hello = new ClientHelloBuilder().serverName(serverName).alpn(alpn).postQuantum(postQuantum).seed(seed).build();
        for (int from = 0; from < hello.length; from += mss) {
          fromClient(PSH | ACK, Arrays.copyOfRange(hello, from, Math.min(hello.length, from + mss)));
        }
      }
      for (int size : uploadSizes) {
        fromClient(PSH | ACK, payload(size));
      }
      for (int size : downloadSizes) {
        fromServer(PSH | ACK, payload(size));
      }
      switch (teardown) {
        case FIN:
          fromClient(FIN | ACK, new byte[0]);
          clientSeq++;
          fromServer(FIN | ACK, new byte[0]);
          serverSeq++;
          fromClient(ACK, new byte[0]);
          break;
        case RST:
          fromClient(RST | ACK, new byte[0]);
          break;
        case NONE:
          break;
      }
      SessionTruth truth =
          new SessionTruth(
              clientIp, clientPort, serverIp, serverPort, packetsUp, packetsDown, bytesUp, bytesDown,
              packets.get(0).time(), packets.get(packets.size() - 1).time(), sendClientHello ? serverName : null);
      return new TcpSession(packets, truth);
    }

    private byte[] payload(int size) {
      byte[] data = new byte[size];
      random.nextBytes(data);
      return data;
    }

    private void fromClient(int flags, byte[] payload) {
      long ack = (flags & ACK) != 0 ? serverSeq : 0;
      add(frames.tcp(clientIp, clientPort, serverIp, serverPort, clientSeq, ack, flags, payload));
      clientSeq = (clientSeq + payload.length) & 0xffffffffL;
      packetsUp++;
      bytesUp += FrameBuilder.tcpL3Length(payload.length);
    }

    private void fromServer(int flags, byte[] payload) {
      add(frames.tcp(serverIp, serverPort, clientIp, clientPort, serverSeq, clientSeq, flags, payload));
      serverSeq = (serverSeq + payload.length) & 0xffffffffL;
      packetsDown++;
      bytesDown += FrameBuilder.tcpL3Length(payload.length);
    }

    private void add(byte[] frame) {
      packets.add(new SyntheticPacket(start.plus(packetInterval.multipliedBy(packets.size())), frame));
    }
  }
}
