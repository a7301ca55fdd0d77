package io.agentwatch.capture.identify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwatch.capture.identify.ClientCatalog.Client;
import io.agentwatch.capture.identify.ClientCatalog.Contact;
import io.agentwatch.capture.testing.SensorRun;
import io.agentwatch.schema.Evidence;
import io.agentwatch.schema.FlowRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent CLIs (Claude Code, Codex, Gemini CLI, Qwen Code), the official Node SDKs, Node
 * https, Python requests, curl and headless Chromium, each run for one turn as the client catalog
 * ({@code catalog/clients.yaml}) says, against a local stand-in of its vendor's API
 * ({@code agent-clis/standin.js}), with the vendors' real host names: inside a private network and
 * mount namespace (unshare) every name resolves to 127.0.0.1 (a bind-mounted resolv.conf pointing at
 * the stand-in's DNS), and a local CA is trusted through NODE_EXTRA_CA_CERTS, SSL_CERT_FILE,
 * REQUESTS_CA_BUNDLE and CODEX_CA_CERTIFICATE. dumpcap records each client's loopback traffic on its
 * own; the sensor reads the file. A user would check: the model API flows are identified with the
 * client's vendor and service, the JA4 of each client is the catalogued one (and an agent's is not
 * curl's), and every host a client contacts is catalogued.
 *
 * <p>The npm packages are installed at their catalogued versions into
 * {@code ~/.cache/agentwatch/agent-clis} (or {@code -Dagentwatch.agentClis=DIR}) and reused; the
 * test is skipped only when they are missing and the npm registry cannot be reached. Needs root (for
 * the namespace) and the Debian packages util-linux, iproute2, tshark (dumpcap), openssl, nodejs,
 * npm, curl, chromium, python3-requests. On failure it prints what it observed, in the catalog's
 * terms, and keeps the stand-in's request log.
 */
class AgentClisOnLoopbackTest {

  private static final Path PACKAGES = Paths.get(System.getProperty("agentwatch.agentClis",
      System.getProperty("user.home") + "/.cache/agentwatch/agent-clis"));
  private static final String RESOURCES = "/io/agentwatch/capture/identify/agent-clis/";
  private static final Map<String, String> PACKAGE_OF = Map.of(
      "unshare", "util-linux", "nsenter", "util-linux", "ip", "iproute2", "dumpcap", "tshark (provides dumpcap)",
      "openssl", "openssl", "node", "nodejs", "npm", "npm", "curl", "curl", "chromium", "chromium", "python3", "python3-requests");
  /** The service each agent CLI's model API is catalogued as, in the endpoint catalog. */
  private static final Map<String, String> AGENT_SERVICES = Map.of(
      "claude-code", "anthropic/api", "codex", "openai/api", "gemini-cli", "google-gemini/gemini-api", "qwen-code", "alibaba-qwen/dashscope");

  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();

  @Test
  void eachClientHasItsCataloguedFingerprintAndContactsAndItsModelApiIsIdentified() throws Exception {
    PACKAGE_OF.keySet().forEach(program -> LoopbackCaptures.requireProgram(program, PACKAGE_OF));
    requireNode20();
    ClientCatalog catalog = ClientCatalog.builtin();
    installPackages(catalog);
    Path ca = makeCa();
    Map<String, Observed> observed = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    try {
      long namespace = startNamespace();
      Path requestLog = dir.resolve("standin.jsonl");
      Process standin = start("standin", namespace, Map.of(), dir, "node", copyResource("standin.js").toString(), ca.getParent().toString(), requestLog.toString());
      awaitLine(requestLog, "\"ready\"", standin);
      for (Client client : catalog.clients()) {
        if (client.command() != null) {
          observed.put(client.id(), runAndCapture(namespace, client, ca, requestLog));
        }
      }
      standin.destroy();
      Files.copy(requestLog, Paths.get("target", "agent-clis-requests.jsonl"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } finally {
      started.forEach(Process::destroyForcibly);
    }

    Set<String> curlJa4s = observed.get("curl").ja4s();
    for (Client client : catalog.clients()) {
      Observed seen = observed.get(client.id());
      if (seen == null) {
        continue;
      }
      problems.addAll(seen.problems);
      Map<String, Contact> contacts = client.contacts().stream().collect(Collectors.toMap(Contact::host, c -> c));
      Set<String> uncatalogued = new TreeSet<>(seen.hosts);
      uncatalogued.removeAll(contacts.keySet());
      if (!uncatalogued.isEmpty()) {
        problems.add(client.id() + ": contacted hosts the catalog does not list: " + uncatalogued);
      }
      seen.ja4sByHost.forEach((host, ja4s) -> {
        Set<String> catalogued = contacts.containsKey(host) ? Set.copyOf(contacts.get(host).ja4()) : Set.of();
        if (!catalogued.containsAll(ja4s)) {
          problems.add(client.id() + ": JA4 " + ja4s + " at " + host + ", catalogued " + catalogued);
        }
      });
      if (!Set.copyOf(client.alpn()).containsAll(seen.alpns)) {
        problems.add(client.id() + ": offered ALPN " + seen.alpns + ", catalogued " + client.alpn());
      }
      for (Contact contact : client.contacts()) {
        if (contact.role().equals("model-api")) {
          problems.addAll(checkModelApi(client, contact.host(), seen.records));
        }
      }
      if (client.kind().equals("agent-cli") && seen.ja4s().stream().anyMatch(curlJa4s::contains)) {
        problems.add(client.id() + ": has curl's JA4 " + curlJa4s + ", cannot be told from curl");
      }
    }
    if (!problems.isEmpty()) {
      System.out.println("observed, in the client catalog's terms:\n" + observed.entrySet().stream()
          .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("\n")));
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems) + "\n(observed: see the test's output; stand-in log: target/agent-clis-requests.jsonl)");
  }

  private static void check(List<String> problems, Client client, String what, Set<String> catalogued, Set<String> seen) {
    if (!catalogued.equals(seen)) {
      problems.add(client.id() + ": " + what + " " + seen + ", catalogued " + catalogued);
    }
  }

  /** The flows to the client's model API host: identified by SNI with the client's vendor (and, for an agent, its service). */
  private static List<String> checkModelApi(Client client, String host, List<FlowRecord> records) {
    List<FlowRecord> flows = records.stream().filter(r -> host.equals(r.getSni())).toList();
    if (flows.isEmpty()) {
      return List.of(client.id() + ": no flow to its model API " + host);
    }
    List<String> problems = new ArrayList<>();
    for (FlowRecord flow : flows) {
      String identified = flow.getVendor() + "/" + flow.getService();
      String expected = AGENT_SERVICES.getOrDefault(client.id(), client.vendor() + "/" + flow.getService());
      if (!identified.equals(expected) || flow.getIdentifiedBy() != Evidence.SNI) {
        problems.add(client.id() + ": flow to " + host + " identified as " + identified + " by " + flow.getIdentifiedBy() + ", expected " + expected + " by sni");
      }
    }
    return problems;
  }

  /**
   * What one client did in its turn: the sensor's records of its connections (JA4 and bytes per
   * server name) and, from the stand-in's log, every host it connected to (plain HTTP ones too).
   */
  private static final class Observed {
    final List<FlowRecord> records;
    final Set<String> hosts;
    final Map<String, Set<String>> ja4sByHost = new TreeMap<>();
    final Set<String> alpns = new TreeSet<>();
    final Map<String, Long> bytesUpByHost = new TreeMap<>();
    final List<String> problems = new ArrayList<>();

    Observed(List<FlowRecord> records, Set<String> hosts) {
      this.records = records;
      this.hosts = hosts;
      for (FlowRecord record : records) {
        if (record.getSni() != null && record.getJa4() != null) {
          ja4sByHost.computeIfAbsent(record.getSni(), h -> new TreeSet<>()).add(record.getJa4());
          alpns.add(record.getAlpn() == null ? "" : record.getAlpn());
          bytesUpByHost.merge(record.getSni(), record.getBytesUp(), Long::sum);
        }
      }
    }

    Set<String> ja4s() {
      return ja4sByHost.values().stream().flatMap(Set::stream).collect(Collectors.toCollection(TreeSet::new));
    }

    @Override
    public String toString() {
      return "alpn " + alpns.stream().map(a -> "\"" + a + "\"").toList() + ", contacts: " + hosts.stream()
          .map(h -> h + " " + ja4sByHost.getOrDefault(h, Set.of()) + " " + bytesUpByHost.getOrDefault(h, 0L) + " B up")
          .collect(Collectors.joining("; ")) + (problems.isEmpty() ? "" : "\n  problems: " + problems);
    }
  }

  private Observed runAndCapture(long namespace, Client client, Path ca, Path requestLog) throws Exception {
    Path capture = dir.resolve(client.id() + ".pcap");
    Process dumpcap = start(client.id() + "-dumpcap", namespace, Map.of(), dir,
        "dumpcap", "-q", "-P", "-i", "lo", "-f", "tcp port 443 or tcp port 80", "-w", capture.toString());
    LoopbackCaptures.awaitCaptureStarted(capture, dir.resolve(client.id() + "-dumpcap.log"));
    Path home = Files.createDirectories(dir.resolve("home-" + client.id()));
    Path work = Files.createDirectories(home.resolve("work"));
    Map<String, String> env = new TreeMap<>(client.env());
    env.put("HOME", home.toString());
    env.put("PATH", PACKAGES.resolve("node_modules/.bin") + ":" + System.getenv("PATH"));
    env.put("NODE_PATH", PACKAGES.resolve("node_modules").toString());
    for (String variable : List.of("NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "CODEX_CA_CERTIFICATE")) {
      env.put(variable, ca.toString());
    }
    long logStart = Files.size(requestLog);
    Process turn = start(client.id(), namespace, env, work, "sh", "-c", client.command());
    boolean finished = turn.waitFor(150, TimeUnit.SECONDS);
    Thread.sleep(1500); // the last FIN/ACKs, and the sensor's close grace in capture time
    dumpcap.destroy();
    assertTrue(dumpcap.waitFor(10, TimeUnit.SECONDS), "dumpcap did not stop");
    Observed seen = new Observed(SensorRun.of(capture).records.stream()
        .filter(r -> r.getDstPort() == 443 || r.getDstPort() == 80).toList(), hostsContacted(requestLog, logStart));
    String output = Files.readString(dir.resolve(client.id() + ".log"));
    if (!finished) {
      turn.destroyForcibly();
      seen.problems.add("did not finish its turn in 150 s; output:\n" + tail(output));
    } else if (turn.exitValue() != 0) {
      seen.problems.add("exited with " + turn.exitValue() + "; output:\n" + tail(output));
    } else if (client.kind().equals("agent-cli") && !output.contains("OK")) {
      seen.problems.add("did not print the stand-in's answer OK; output:\n" + tail(output));
    }
    return seen;
  }

  /** The server names and Host headers the stand-in logged after {@code from}: the hosts one client connected to. */
  private static Set<String> hostsContacted(Path requestLog, long from) throws IOException {
    String text;
    try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(requestLog.toFile(), "r")) {
      byte[] bytes = new byte[(int) (file.length() - from)];
      file.seek(from);
      file.readFully(bytes);
      text = new String(bytes, StandardCharsets.UTF_8);
    }
    Set<String> hosts = new TreeSet<>();
    java.util.regex.Matcher names = java.util.regex.Pattern.compile("\"(?:sni|host)\":\"([^\":]+)").matcher(text);
    while (names.find()) {
      hosts.add(names.group(1).toLowerCase(java.util.Locale.ROOT));
    }
    return hosts;
  }

  /** Installs the catalogued npm packages unless the cache has them at those versions. */
  private static void installPackages(ClientCatalog catalog) throws Exception {
    List<String> specs = catalog.clients().stream().map(Client::packageSpec).filter(s -> s != null).toList();
    List<String> missing = specs.stream().filter(spec -> !installed(spec)).toList();
    if (missing.isEmpty()) {
      return;
    }
    Files.createDirectories(PACKAGES);
    List<String> command = new ArrayList<>(List.of("npm", "install", "--no-audit", "--no-fund", "--save-exact", "--prefix", PACKAGES.toString()));
    command.addAll(specs);
    Process npm = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (npm.waitFor(15, TimeUnit.MINUTES) && npm.exitValue() == 0 && specs.stream().allMatch(AgentClisOnLoopbackTest::installed)) {
      return;
    }
    Process ping = new ProcessBuilder("npm", "ping").redirectErrorStream(true).start();
    String pingOutput = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean reachable = ping.waitFor(60, TimeUnit.SECONDS) && ping.exitValue() == 0;
    Assumptions.assumeTrue(reachable, "the npm registry is unreachable, so the agent CLIs " + missing + " cannot be installed into "
        + PACKAGES + ": " + tail(pingOutput));
    throw new AssertionError("npm install " + missing + " into " + PACKAGES + " failed though the registry answers:\n" + tail(output));
  }

  private static boolean installed(String spec) {
    int at = spec.lastIndexOf('@');
    Path manifest = PACKAGES.resolve("node_modules").resolve(spec.substring(0, at)).resolve("package.json");
    try {
      return Files.exists(manifest) && Files.readString(manifest).contains("\"version\": \"" + spec.substring(at + 1) + "\"");
    } catch (IOException unreadable) {
      return false;
    }
  }

  /** A CA the clients are told to trust; the stand-in signs a certificate for each name it is asked for with it. */
  private Path makeCa() throws Exception {
    Path ca = Files.createDirectories(dir.resolve("ca"));
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
        "-subj", "/CN=AgentWatch test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-keyout", ca.resolve("ca-key.pem").toString(), "-out", ca.resolve("ca.pem").toString());
    run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", ca.resolve("leaf-key.pem").toString());
    return ca.resolve("ca.pem");
  }

  /**
   * A network and mount namespace held open by a sleeping shell: loopback up, every name resolved
   * by the stand-in's DNS. Returns the holder's process id, for nsenter.
   */
  private long startNamespace() throws Exception {
    Path resolv = Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.1\n");
    Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n");
    Process holder = new ProcessBuilder("unshare", "--net", "--mount", "sh", "-c",
        "mount --bind " + resolv + " /etc/resolv.conf && mount --bind " + hosts + " /etc/hosts && ip link set lo up && echo ready && exec sleep 3600")
        .redirectErrorStream(true).start();
    started.add(holder);
    String first = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8)).readLine();
    if (!"ready".equals(first)) {
      throw new AssertionError("cannot make a private network namespace (this test needs root: unshare --net --mount): " + first);
    }
    return holder.pid();
  }

  private Process start(String name, long namespace, Map<String, String> env, Path workDir, String... command) throws IOException {
    List<String> inNamespace = new ArrayList<>(List.of("nsenter", "--target", Long.toString(namespace), "--net", "--mount", "--"));
    inNamespace.addAll(List.of(command));
    ProcessBuilder builder = new ProcessBuilder(inNamespace).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().putAll(env);
    Process process = builder.start();
    started.add(process);
    return process;
  }

  private void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed: " + output);
    }
  }

  private Path copyResource(String name) throws IOException {
    try (InputStream in = AgentClisOnLoopbackTest.class.getResourceAsStream(RESOURCES + name)) {
      Path copy = dir.resolve(name);
      Files.copy(in, copy);
      return copy;
    }
  }

  private void awaitLine(Path file, String text, Process process) throws Exception {
    for (int attempt = 0; attempt < 200; attempt++) {
      if (Files.exists(file) && Files.readString(file).contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the stand-in did not start; its output: " + Files.readString(dir.resolve("standin.log")));
  }

  /** Gemini CLI needs Node.js 20 or later (Qwen Code asks for 22 and runs on 20); Debian 12's nodejs is 18. */
  private static void requireNode20() throws Exception {
    Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
    String version = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    node.waitFor(10, TimeUnit.SECONDS);
    java.util.regex.Matcher major = java.util.regex.Pattern.compile("v(\\d+)\\.").matcher(version);
    if (!major.lookingAt() || Integer.parseInt(major.group(1)) < 20) {
      throw new AssertionError("the agent CLIs need Node.js 20 or later, node --version says " + version
          + " (Debian 13's nodejs is 20; on Debian 12 install a newer one, e.g. from nodesource)");
    }
  }

  private static String tail(String text) {
    return text.length() <= 3000 ? text : "..." + text.substring(text.length() - 3000);
  }
}
