package io.agentwatch.capture.identify;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The client catalog ({@code catalog/clients.yaml}): which program a TLS client fingerprint (JA4)
 * belongs to — an agent CLI, an SDK, a browser, a tool —, how each fingerprint was obtained, and
 * which hosts each client contacts besides its model API. The endpoint catalog says where a flow
 * goes; this one says what kind of program sent it, as far as a fingerprint can tell: clients on
 * one TLS stack share a JA4 ({@link #sharedJa4s()}), so other signals (the host names contacted,
 * the offered ALPN) must separate them. The sensor does not read it; the store's {@code clients}
 * table is filled from it (the {@code host_clients} query's {@code client}, {@code client_kind}).
 */
public record ClientCatalog(int version, List<Client> clients) {

  public static final int SUPPORTED_VERSION = 1;
  public static final String BUILTIN_RESOURCE = "/catalog/clients.yaml";

  /** What a client is, as a usage split: {@code agent-cli}, {@code sdk}, {@code browser}, {@code tool}. */
  public static final Set<String> KINDS = Set.of("agent-cli", "sdk", "browser", "tool");

  /** What a contacted host is to its client. */
  public static final Set<String> ROLES = Set.of("model-api", "telemetry", "config", "update", "other");

  private static final Pattern JA4 = Pattern.compile("t1[0-3][di][0-9]{4}[0-9a-z]{2}_[0-9a-f]{12}_[0-9a-f]{12}");
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public ClientCatalog {
    if (version != SUPPORTED_VERSION) {
      throw new IllegalArgumentException("unsupported client catalog version " + version + " (this build reads version " + SUPPORTED_VERSION + ")");
    }
    clients = clients == null ? List.of() : List.copyOf(clients);
    Set<String> ids = new TreeSet<>();
    for (Client client : clients) {
      if (!ids.add(client.id())) {
        throw new IllegalArgumentException("client " + client.id() + " is listed twice");
      }
    }
  }

  /**
   * One client program.
   *
   * @param kind one of {@link #KINDS}
   * @param vendor the endpoint catalog's vendor id of the API it talks to by default (optional)
   * @param stack the TLS implementation underneath, which decides the fingerprint
   * @param packageSpec the npm package and exact version it was obtained from (optional: system programs)
   * @param command the command that made the fingerprinted connections (run by
   *     {@code AgentClisOnLoopbackTest} against a local stand-in of the vendor's API); absent when
   *     the client could not be run here, and then {@code notObtained} says why
   * @param env environment the command needs (dummy keys, base URLs), without the CA variables the test adds
   * @param checked the day the fingerprint was obtained (YYYY-MM-DD)
   * @param alpn every ALPN list its ClientHellos offered, as the flow's {@code alpn} field shows it ("" for none)
   * @param contacts every host it contacted in one turn, model API included, each with the JA4s seen there
   */
  public record Client(
      String id, String name, String kind, String vendor, String stack,
      @JsonProperty("package") String packageSpec,
      String command, Map<String, String> env, String checked,
      List<String> alpn, List<Contact> contacts,
      @JsonProperty("not-obtained") String notObtained,
      String notes) {
    public Client {
      if (id == null || !id.matches("[a-z0-9][a-z0-9-]*")) {
        throw new IllegalArgumentException("client id must be lower-case letters, digits and '-', was '" + id + "'");
      }
      require(id, "name", name);
      if (kind == null || !KINDS.contains(kind)) {
        throw new IllegalArgumentException("client " + id + ": kind must be one of " + new TreeSet<>(KINDS) + ", was '" + kind + "'");
      }
      env = env == null ? Map.of() : Map.copyOf(env);
      alpn = alpn == null ? List.of() : List.copyOf(alpn);
      contacts = contacts == null ? List.of() : List.copyOf(contacts);
      if ((command == null) == (notObtained == null)) {
        throw new IllegalArgumentException("client " + id + ": give either command (how its fingerprint was obtained) or not-obtained (why not), not "
            + (command == null ? "neither" : "both"));
      }
      if (command != null) {
        require(id, "stack", stack);
        if (checked == null || !DATE.matcher(checked).matches()) {
          throw new IllegalArgumentException("client " + id + ": checked must be the day the fingerprint was obtained, YYYY-MM-DD, was '" + checked + "'");
        }
        if (contacts.stream().noneMatch(c -> c.role().equals("model-api") && !c.ja4().isEmpty())) {
          throw new IllegalArgumentException("client " + id + ": a client with a command lists its model-api contact with the JA4s seen there");
        }
      } else if (!contacts.isEmpty()) {
        throw new IllegalArgumentException("client " + id + ": lists contacts but says it was not obtained");
      }
      if (packageSpec != null && !packageSpec.matches("(@[a-z0-9-]+/)?[a-z0-9.-]+@\\d+\\.\\d+\\.\\d+")) {
        throw new IllegalArgumentException("client " + id + ": package must be an npm name with an exact version (name@1.2.3), was '" + packageSpec + "'");
      }
    }

    /** Every JA4 the client was seen with, over all its contacts, in the order first listed. */
    public List<String> ja4s() {
      return contacts.stream().flatMap(c -> c.ja4().stream()).distinct().toList();
    }
  }

  /**
   * A host a client contacted: its role for the client, the JA4s of its connections there (none
   * for plain HTTP), and what it was used for (paths, how much went up).
   */
  public record Contact(String host, String role, List<String> ja4, String what) {
    public Contact {
      if (host == null || !host.matches("[a-z0-9.-]+")) {
        throw new IllegalArgumentException("contact host must be a host name, was '" + host + "'");
      }
      if (role == null || !ROLES.contains(role)) {
        throw new IllegalArgumentException("contact " + host + ": role must be one of " + new TreeSet<>(ROLES) + ", was '" + role + "'");
      }
      ja4 = ja4 == null ? List.of() : List.copyOf(ja4);
      for (String fingerprint : ja4) {
        if (!JA4.matcher(fingerprint).matches()) {
          throw new IllegalArgumentException("contact " + host + ": '" + fingerprint + "' is not a TCP JA4 (like t13d1516h2_8daaf6152771_02713d6af862)");
        }
      }
      if (what == null || what.isBlank()) {
        throw new IllegalArgumentException("contact " + host + ": what is missing (what the client uses the host for)");
      }
    }
  }

  /** The catalog shipped with AgentWatch. */
  public static ClientCatalog builtin() {
    try (InputStream in = ClientCatalog.class.getResourceAsStream(BUILTIN_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the built-in client catalog " + BUILTIN_RESOURCE + " is missing from the class path");
      }
      return read(BUILTIN_RESOURCE, in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the built-in client catalog " + BUILTIN_RESOURCE + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a client catalog; a problem is reported with {@code name}, the line where the parser
   * was (the end of the entry, for a problem with a whole entry), the entry's path and the problem.
   */
  public static ClientCatalog read(String name, InputStream in) {
    try {
      return YAML.readValue(in, ClientCatalog.class);
    } catch (JsonMappingException e) {
      String problem = e.getCause() instanceof IllegalArgumentException invalid ? invalid.getMessage() : e.getOriginalMessage();
      String line = e.getLocation() == null ? "" : " line " + e.getLocation().getLineNr();
      throw new CatalogException(name + line + " (" + path(e) + "): " + problem, e);
    } catch (IOException e) {
      throw new CatalogException(name + ": " + e.getMessage(), e);
    }
  }

  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference step : e.getPath()) {
      if (step.getIndex() >= 0) {
        path.append('[').append(step.getIndex()).append(']');
      } else if (step.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(step.getFieldName());
      }
    }
    return path.toString();
  }

  /**
   * Fingerprints that more than one client was seen with, and those clients: where JA4 alone
   * cannot tell clients apart.
   */
  public Map<String, List<String>> sharedJa4s() {
    Map<String, List<String>> clientsByJa4 = new LinkedHashMap<>();
    for (Client client : clients) {
      for (String fingerprint : client.ja4s()) {
        clientsByJa4.computeIfAbsent(fingerprint, f -> new java.util.ArrayList<>()).add(client.id());
      }
    }
    clientsByJa4.values().removeIf(ids -> ids.size() < 2);
    return clientsByJa4;
  }

  /** Each catalogued JA4 with the clients seen with it, in the catalog's order. */
  public Map<String, List<Client>> clientsByJa4() {
    Map<String, List<Client>> byJa4 = new LinkedHashMap<>();
    for (Client client : clients) {
      client.ja4s().forEach(fingerprint -> byJa4.computeIfAbsent(fingerprint, f -> new java.util.ArrayList<>()).add(client));
    }
    return byJa4;
  }

  public Client client(String id) {
    return clients.stream().filter(c -> c.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no client " + id + " in the client catalog"));
  }

  private static void require(String owner, String key, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("client " + owner + ": " + key + " is missing");
    }
  }
}
