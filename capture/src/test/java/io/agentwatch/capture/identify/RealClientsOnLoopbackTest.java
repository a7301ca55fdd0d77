package io.agentwatch.capture.identify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.testing.SensorRun;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.FlowRecord;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real TLS clients (curl, openssl s_client, Node.js https, Java HttpClient) connect with the SNIs
 * of catalog vendors to a local openssl s_server on 127.0.0.2; dumpcap records the loopback
 * traffic with libpcap and the sensor reads the file. Needs the Debian packages curl, openssl,
 * nodejs and tshark (for dumpcap; live capture needs root or the wireshark group). A missing
 * program fails the test and names the package.
 */
class RealClientsOnLoopbackTest {

  private static final String SERVER_ADDRESS = "127.0.0.2";
  private static final Map<String, String> PACKAGE_OF = Map.of(
      "dumpcap", "tshark (provides dumpcap)", "openssl", "openssl", "curl", "curl", "node", "nodejs");

  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();

  @Test
  void eachClientStackIsNamedByItsSniAndFingerprintedDifferently() throws Exception {
    PACKAGE_OF.keySet().forEach(program -> LoopbackCaptures.requireProgram(program, PACKAGE_OF));
    int port = freePort();
    try {
      run(30, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
          "-subj", "/CN=agentwatch-test", "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString());
      start("openssl", "s_server", "-accept", SERVER_ADDRESS + ":" + port, "-cert", dir.resolve("cert.pem").toString(),
          "-key", dir.resolve("key.pem").toString(), "-www", "-quiet");
      awaitListening(port);
      Path capture = dir.resolve("loopback.pcap");
      Process dumpcap = start("dumpcap", "-q", "-P", "-i", "lo", "-f", "tcp port " + port, "-w", capture.toString());
      LoopbackCaptures.awaitCaptureStarted(capture, dir.resolve("dumpcap.log"));

      Map<String, String> sniByClient = new LinkedHashMap<>();
      sniByClient.put("curl", "api.anthropic.com");
      sniByClient.put("openssl", "api.openai.com");
      sniByClient.put("node", "generativelanguage.googleapis.com");
      sniByClient.put("java", "api.mistral.ai");
      sniByClient.put("curl-unknown", "not-an-ai-vendor.example");
      String url = "https://%s:" + port + "/";
      run(20, "curl", "-sk", "-o", "/dev/null", "--max-time", "10", "--resolve", "api.anthropic.com:" + port + ":" + SERVER_ADDRESS,
          url.formatted("api.anthropic.com"));
      run(20, "sh", "-c", "echo | openssl s_client -connect " + SERVER_ADDRESS + ":" + port + " -servername api.openai.com");
      run(20, "node", "-e", "require('https').get({host: '" + SERVER_ADDRESS + "', port: " + port
          + ", servername: 'generativelanguage.googleapis.com', rejectUnauthorized: false, path: '/'},"
          + " r => { r.resume(); r.on('end', () => process.exit(0)); }).on('error', () => process.exit(0));");
      runJavaHttpClient("api.mistral.ai", port);
      run(20, "curl", "-sk", "-o", "/dev/null", "--max-time", "10", "--resolve", "not-an-ai-vendor.example:" + port + ":" + SERVER_ADDRESS,
          url.formatted("not-an-ai-vendor.example"));

      Thread.sleep(1000); // let the last packets reach the capture file
      dumpcap.destroy();
      assertTrue(dumpcap.waitFor(10, TimeUnit.SECONDS), "dumpcap did not stop");

      Map<String, FlowRecord> bySni = new LinkedHashMap<>();
      for (FlowRecord record : SensorRun.of(capture).records) {
        if (record.getDstIp().equals(SERVER_ADDRESS) && record.getDstPort() == port && record.getSni() != null) {
          bySni.put(record.getSni(), record);
        }
      }
      assertVendor(bySni.get("api.anthropic.com"), "anthropic", "api");
      assertVendor(bySni.get("api.openai.com"), "openai", "api");
      assertVendor(bySni.get("generativelanguage.googleapis.com"), "google-gemini", "gemini-api");
      assertVendor(bySni.get("api.mistral.ai"), "mistral", "api");
      FlowRecord unknown = bySni.get("not-an-ai-vendor.example");
      assertNotNull(unknown, "no flow with the non-catalog SNI among " + bySni.keySet());
      assertNull(unknown.getVendor());
      assertEquals(Evidence.NONE, unknown.getIdentifiedBy());

      Set<String> ja4s = new HashSet<>();
      for (String client : List.of("curl", "openssl", "node", "java")) {
        String ja4 = bySni.get(sniByClient.get(client)).getJa4();
        assertTrue(ja4 != null && ja4.startsWith("t1"), client + ": " + ja4);
        ja4s.add(ja4);
      }
      assertEquals(4, ja4s.size(), "each client stack should have its own JA4: " + bySni);
    } finally {
      started.forEach(Process::destroyForcibly);
    }
  }

  private static void assertVendor(FlowRecord record, String vendor, String service) {
    assertNotNull(record, "no flow for the expected SNI");
    assertEquals(vendor, record.getVendor(), record.toString());
    assertEquals(service, record.getService(), record.toString());
    assertEquals(Evidence.SNI, record.getIdentifiedBy());
    assertTrue(record.getCommunityId().startsWith("1:"));
  }

  /** A separate JVM so that jdk.net.hosts.file maps the vendor name to the local server. */
  private void runJavaHttpClient(String host, int port) throws Exception {
    Path hosts = Files.writeString(dir.resolve("hosts"), SERVER_ADDRESS + " " + host + "\n");
    Path client = Files.writeString(dir.resolve("Client.java"), String.join("\n",
        "import java.net.URI;",
        "import java.net.http.HttpClient;",
        "import java.net.http.HttpRequest;",
        "import java.net.http.HttpResponse;",
        "import java.time.Duration;",
        "public class Client {",
        "  public static void main(String[] args) {",
        "    try {",
        "      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()",
        "          .send(HttpRequest.newBuilder(URI.create(args[0])).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());",
        "    } catch (Exception expected) {",
        "      // the self-signed certificate is not trusted: the ClientHello was sent, which is all the test needs",
        "    }",
        "  }",
        "}"));
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    run(60, java, "-Djdk.net.hosts.file=" + hosts, client.toString(), "https://" + host + ":" + port + "/");
  }

  private Process start(String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(command[0] + ".log").toFile()).start();
    started.add(process);
    return process;
  }

  private void run(int timeoutSeconds, String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    started.add(process);
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      throw new AssertionError("timed out: " + String.join(" ", command));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void awaitListening(int port) throws Exception {
    for (int attempt = 0; attempt < 100; attempt++) {
      try (Socket probe = new Socket(SERVER_ADDRESS, port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("openssl s_server did not listen on " + SERVER_ADDRESS + ":" + port + "; log: "
        + Files.readString(dir.resolve("openssl.log")));
  }
}
