package io.agentwatch.delivery;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A real syslog listener on loopback: UDP datagrams, or TCP/TLS with octet-counting framing
 * (RFC 6587: "LENGTH SP MESSAGE"), recording each message; stoppable and restartable on the same
 * port. TLS uses a self-signed certificate for 127.0.0.1 made by keytool in the test.
 */
final class SyslogListener implements AutoCloseable {

  enum Transport { UDP, TCP, TLS }

  private final Transport transport;
  private final SSLContext tls;
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final List<Socket> connections = new CopyOnWriteArrayList<>();
  private int port;
  private ServerSocket server;
  private DatagramSocket datagrams;

  private SyslogListener(Transport transport, SSLContext tls) {
    this.transport = transport;
    this.tls = tls;
  }

  static SyslogListener start(Transport transport, SelfSigned certificate) throws Exception {
    SyslogListener listener = new SyslogListener(transport, certificate == null ? null : certificate.serverContext());
    listener.listen();
    return listener;
  }

  synchronized void listen() throws IOException {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    if (transport == Transport.UDP) {
      datagrams = new DatagramSocket(address);
      port = datagrams.getLocalPort();
      DatagramSocket socket = datagrams;
      daemon(() -> {
        byte[] buffer = new byte[65_535];
        while (!socket.isClosed()) {
          DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
          try {
            socket.receive(packet);
            messages.add(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
          } catch (IOException e) {
            return;
          }
        }
      });
      return;
    }
    ServerSocket socket = transport == Transport.TLS ? tls.getServerSocketFactory().createServerSocket() : new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(address);
    server = socket;
    port = socket.getLocalPort();
    daemon(() -> {
      while (!socket.isClosed()) {
        try {
          Socket connection = socket.accept();
          connections.add(connection);
          daemon(() -> readFrames(connection));
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  private void readFrames(Socket connection) {
    try (InputStream in = new BufferedInputStream(connection.getInputStream())) {
      while (true) {
        int length = 0;
        int c;
        while ((c = in.read()) != ' ') {
          if (c < 0) {
            return;
          }
          if (c < '0' || c > '9') {
            throw new IOException("not octet-counting framing: byte " + c);
          }
          length = length * 10 + (c - '0');
        }
        byte[] message = in.readNBytes(length);
        if (message.length < length) {
          return;
        }
        messages.add(new String(message, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // the connection closed
    }
  }

  /** Closes the listening socket and every connection: the sender sees the listener go away. */
  synchronized void stop() throws IOException {
    if (datagrams != null) {
      datagrams.close();
    }
    if (server != null) {
      server.close();
    }
    for (Socket connection : connections) {
      connection.close();
    }
    connections.clear();
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  List<String> messages() {
    return new ArrayList<>(messages);
  }

  @Override
  public void close() throws IOException {
    stop();
  }

  private static void daemon(Runnable task) {
    Thread thread = new Thread(task, "syslog-listener");
    thread.setDaemon(true);
    thread.start();
  }

  /** A self-signed certificate for 127.0.0.1 (keytool, EC P-256), its keystore and its PEM for the sender's trust-file. */
  record SelfSigned(Path keystore, char[] password, Path certificatePem) {

    static SelfSigned create(Path dir) throws Exception {
      Files.createDirectories(dir);
      Path keystore = dir.resolve("syslog.p12");
      Path pem = dir.resolve("syslog.pem");
      String password = "test-" + System.nanoTime();
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      run(keytool, "-genkeypair", "-alias", "syslog", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
          "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", keystore.toString(), "-storetype", "PKCS12",
          "-storepass", password, "-keypass", password);
      run(keytool, "-exportcert", "-rfc", "-alias", "syslog", "-keystore", keystore.toString(), "-storepass", password,
          "-file", pem.toString());
      return new SelfSigned(keystore, password.toCharArray(), pem);
    }

    SSLContext serverContext() throws Exception {
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keystore)) {
        store.load(in, password);
      }
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    }

    private static void run(String... command) throws Exception {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
    }
  }
}
