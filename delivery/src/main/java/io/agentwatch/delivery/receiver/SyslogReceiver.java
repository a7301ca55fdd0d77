package io.agentwatch.delivery.receiver;

import io.agentwatch.delivery.alert.Alert;
import io.agentwatch.delivery.format.AlertJson;
import io.agentwatch.delivery.format.CefMessage;
import io.agentwatch.delivery.format.OcsfFinding;
import io.agentwatch.delivery.format.SyslogMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * RFC 5424 messages to a syslog listener: one datagram each over UDP (RFC 5426), or
 * octet-counted frames ({@code LENGTH SP MESSAGE}, RFC 6587) on one kept-open connection over TCP
 * or TLS (RFC 5425, the server's certificate checked against its name). Syslog has no
 * acknowledgement: a TCP/TLS message counts as accepted once written to an open connection, and
 * before each one the connection is checked for a close by the listener, so a listener that went
 * away fails the send (and it is retried) instead of swallowing the message. UDP cannot tell.
 */
final class SyslogReceiver implements Receiver {

  private final ReceiverConfig config;
  private final Duration timeout;
  private final String productVersion;
  private final String hostname;
  private final Clock clock;
  private Socket socket;
  private DatagramSocket datagrams;

  SyslogReceiver(ReceiverConfig config, Duration timeout, String productVersion, Clock clock) {
    this.config = config;
    this.timeout = timeout;
    this.productVersion = productVersion;
    this.hostname = localHostname();
    this.clock = clock;
  }

  @Override
  public ReceiverConfig config() {
    return config;
  }

  @Override
  public synchronized String send(Alert alert) throws DeliveryException {
    String body = switch (config.option()) {
      case "cef" -> CefMessage.of(alert, productVersion);
      case "ocsf" -> AlertJson.text(OcsfFinding.of(alert, productVersion));
      default -> AlertJson.text(AlertJson.of(alert));
    };
    byte[] message = SyslogMessage.of(alert, config.facility(), hostname, ProcessHandle.current().pid(), clock.instant(), body)
        .getBytes(StandardCharsets.UTF_8);
    String transport = config.transport().name().toLowerCase(java.util.Locale.ROOT);
    try {
      if (config.transport() == ReceiverConfig.Transport.UDP) {
        if (datagrams == null) {
          datagrams = new DatagramSocket();
        }
        datagrams.send(new DatagramPacket(message, message.length, new InetSocketAddress(config.host(), config.port())));
      } else {
        // One write of the whole frame: a half-sent frame would corrupt the listener's framing.
        byte[] length = (message.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[length.length + message.length];
        System.arraycopy(length, 0, frame, 0, length.length);
        System.arraycopy(message, 0, frame, length.length, message.length);
        OutputStream out = connection().getOutputStream();
        out.write(frame);
        out.flush();
      }
    } catch (IOException e) {
      closeConnection();
      throw new DeliveryException(config.name() + ": syslog " + transport + " " + config.host() + ":" + config.port()
          + " failed: " + e, e);
    }
    return "sent " + message.length + " bytes over " + transport + " to " + config.host() + ":" + config.port();
  }

  /** The open connection, after checking that the listener has not closed it; a new one otherwise. */
  private Socket connection() throws IOException {
    if (socket != null && closedByPeer(socket)) {
      closeConnection();
    }
    if (socket == null) {
      Socket plain = new Socket();
      try {
        plain.connect(new InetSocketAddress(config.host(), config.port()), (int) timeout.toMillis());
        plain.setSoTimeout((int) timeout.toMillis());
        if (config.transport() == ReceiverConfig.Transport.TLS) {
          SSLSocket tls = (SSLSocket) Tls.context(config.trustFile()).getSocketFactory()
              .createSocket(plain, config.host(), config.port(), true);
          SSLParameters parameters = tls.getSSLParameters();
          parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
          tls.setSSLParameters(parameters);
          tls.startHandshake();
          socket = tls;
        } else {
          socket = plain;
        }
      } catch (IOException | RuntimeException e) {
        plain.close();
        throw e;
      }
    }
    return socket;
  }

  /** A listener never writes to us: end of stream (or an error) on a short read means it closed the connection. */
  private static boolean closedByPeer(Socket socket) {
    try {
      int previous = socket.getSoTimeout();
      socket.setSoTimeout(1);
      try {
        InputStream in = socket.getInputStream();
        return in.read() < 0;
      } finally {
        socket.setSoTimeout(previous);
      }
    } catch (SocketTimeoutException e) {
      return false; // nothing to read: still open
    } catch (IOException e) {
      return true;
    }
  }

  private void closeConnection() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing a broken connection; the next send opens a new one
      }
      socket = null;
    }
  }

  private static String localHostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "-";
    }
  }

  @Override
  public synchronized void close() {
    closeConnection();
    if (datagrams != null) {
      datagrams.close();
    }
  }
}
