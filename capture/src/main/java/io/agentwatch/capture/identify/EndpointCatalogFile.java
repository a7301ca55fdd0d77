package io.agentwatch.capture.identify;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One endpoint catalog file as written in YAML: vendors, each citing where its entries come from,
 * with services and the domains that identify them. Reading checks the shape and every value and
 * reports the first problem with its line.
 */
public record EndpointCatalogFile(String name, int version, List<Vendor> vendors) {

  public static final int SUPPORTED_VERSION = 1;

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The file's content as Jackson binds it; the name is added after reading. */
  record Content(int version, List<Vendor> vendors) {
    Content {
      if (version != SUPPORTED_VERSION) {
        throw new IllegalArgumentException("unsupported catalog version " + version + " (this sensor reads version " + SUPPORTED_VERSION + ")");
      }
      if (vendors == null) {
        throw new IllegalArgumentException("vendors is missing");
      }
      vendors = List.copyOf(vendors);
    }
  }

  /** @param source where the entries come from (a public page), so they can be reviewed */
  public record Vendor(String id, String name, String source, List<Service> services) {
    public Vendor {
      requireIdentifier("vendor id", id);
      requireText("vendor " + id + ": name", name);
      requireText("vendor " + id + ": source", source);
      if (services == null || services.isEmpty()) {
        throw new IllegalArgumentException("vendor " + id + " lists no services");
      }
      services = List.copyOf(services);
    }
  }

  /**
   * @param category llm-api, chat-web, agent, ide-assistant, telemetry, ...
   * @param cidrs address ranges the vendor publishes for this service (optional)
   */
  public record Service(String id, String category, List<DomainPattern> domains, List<String> cidrs) {
    public Service {
      requireIdentifier("service id", id);
      requireIdentifier("service " + id + ": category", category);
      domains = domains == null ? List.of() : List.copyOf(domains);
      cidrs = cidrs == null ? List.of() : List.copyOf(cidrs);
      if (domains.isEmpty() && cidrs.isEmpty()) {
        throw new IllegalArgumentException("service " + id + " lists no domains and no cidrs");
      }
      cidrs.forEach(CidrTable.Range::parse); // rejects a bad range while the line is known
    }

    /** The published ranges, parsed. */
    public List<CidrTable.Range> ranges() {
      return cidrs.stream().map(CidrTable.Range::parse).toList();
    }
  }

  /**
   * A domain entry: {@code example.com} matches the name and every subdomain, {@code *.example.com}
   * only subdomains.
   */
  public record DomainPattern(String suffix, boolean subdomainsOnly) {

    private static final Pattern DOMAIN =
        Pattern.compile("([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static DomainPattern parse(String text) {
      if (text == null) {
        throw new IllegalArgumentException("domain is missing");
      }
      String normalized = text.trim().toLowerCase(Locale.ROOT);
      if (normalized.endsWith(".")) {
        normalized = normalized.substring(0, normalized.length() - 1);
      }
      boolean subdomainsOnly = normalized.startsWith("*.");
      String suffix = subdomainsOnly ? normalized.substring(2) : normalized;
      if (suffix.length() > 253 || !DOMAIN.matcher(suffix).matches()) {
        throw new IllegalArgumentException("not a domain name or *.domain pattern: '" + text + "'");
      }
      return new DomainPattern(suffix, subdomainsOnly);
    }

    @JsonValue
    @Override
    public String toString() {
      return subdomainsOnly ? "*." + suffix : suffix;
    }
  }

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  private static void requireIdentifier(String what, String value) {
    if (value == null || !IDENTIFIER.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " must be lower-case letters, digits, '.', '_' or '-', was '" + value + "'");
    }
  }

  private static void requireText(String what, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " is missing");
    }
  }

  /** Reads a catalog file from disk. */
  public static EndpointCatalogFile read(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      return read(path.toString(), in);
    } catch (IOException e) {
      throw new CatalogException(path + ": cannot read endpoint catalog (" + e.getMessage() + ")", e);
    }
  }

  /** Reads a catalog from a stream; {@code name} is used in error messages. */
  public static EndpointCatalogFile read(String name, InputStream in) {
    Content content;
    try {
      byte[] yaml = in.readAllBytes();
      // Jackson reports unknown keys of a record only after building it, so a misspelt key would
      // surface as a confusing "missing" value: check the keys first.
      checkKeys(name, yaml);
      content = YAML.readValue(yaml, Content.class);
    } catch (JsonProcessingException e) {
      throw new CatalogException(name + ": " + where(e) + reason(e), e);
    } catch (IOException e) {
      throw new CatalogException(name + ": cannot read endpoint catalog (" + e.getMessage() + ")", e);
    }
    if (content == null) {
      throw new CatalogException(name + ": endpoint catalog is empty", null);
    }
    return new EndpointCatalogFile(name, content.version(), content.vendors());
  }

  private static final Set<String> TOP_KEYS = Set.of("version", "vendors");
  private static final Set<String> VENDOR_KEYS = Set.of("id", "name", "source", "services");
  private static final Set<String> SERVICE_KEYS = Set.of("id", "category", "domains", "cidrs");

  private static void checkKeys(String name, byte[] yaml) throws IOException {
    try (JsonParser parser = YAML.getFactory().createParser(yaml)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token != JsonToken.FIELD_NAME) {
          continue;
        }
        Set<String> allowed = allowedKeys(parser.getParsingContext());
        if (allowed != null && !allowed.contains(parser.currentName())) {
          JsonLocation location = parser.currentTokenLocation();
          throw new CatalogException(
              name + ": line " + location.getLineNr() + ", column " + location.getColumnNr() + ": unknown key '"
                  + parser.currentName() + "' (expected one of " + new TreeSet<>(allowed) + ")", null);
        }
      }
    }
  }

  /** The keys allowed in the object a field belongs to, or null where any key is fine. */
  private static Set<String> allowedKeys(JsonStreamContext object) {
    JsonStreamContext parent = object.getParent();
    if (parent == null || parent.inRoot()) {
      return TOP_KEYS;
    }
    JsonStreamContext list = parent.inArray() ? parent.getParent() : null;
    String listName = list == null ? null : list.getCurrentName();
    if ("vendors".equals(listName)) {
      return VENDOR_KEYS;
    }
    if ("services".equals(listName)) {
      return SERVICE_KEYS;
    }
    return null;
  }

  private static String where(JsonProcessingException e) {
    JsonLocation location = e.getLocation();
    StringBuilder where = new StringBuilder();
    if (location != null && location.getLineNr() > 0) {
      where.append("line ").append(location.getLineNr()).append(", column ").append(location.getColumnNr());
    }
    if (e instanceof JsonMappingException && !((JsonMappingException) e).getPath().isEmpty()) {
      where.append(where.length() > 0 ? " " : "").append("at ").append(path((JsonMappingException) e));
    }
    return where.length() > 0 ? where.append(": ").toString() : "";
  }

  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference reference : e.getPath()) {
      if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      } else if (reference.getFieldName() != null) {
        path.append(path.length() > 0 ? "." : "").append(reference.getFieldName());
      }
    }
    return path.toString();
  }

  private static String reason(JsonProcessingException e) {
    if (e instanceof UnrecognizedPropertyException) {
      UnrecognizedPropertyException unknown = (UnrecognizedPropertyException) e;
      return "unknown key '" + unknown.getPropertyName() + "' (expected one of " + unknown.getKnownPropertyIds() + ")";
    }
    Throwable cause = e.getCause();
    if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
      return cause.getMessage();
    }
    String message = e.getOriginalMessage();
    int detailsStart = message == null ? -1 : message.indexOf("\n at [");
    return detailsStart >= 0 ? message.substring(0, detailsStart) : message;
  }
}
