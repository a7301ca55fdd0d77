package io.agentwatch.capture.identify;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  /** Writes {@link #canonicalText}: the record components in declaration order, absent values left out. */
  private static final ObjectMapper CANONICAL_JSON =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.NON_EMPTY)
          .enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * The file's entries as canonical JSON: what the file says, without its comments, layout or
   * name. JSON is YAML, so {@link #read(String, InputStream)} reads it back with every check of a
   * file on disk (the catalog topic carries files in this form), and equal content gives equal
   * text (the catalog's version is a hash of it).
   */
  public String canonicalText() {
    try {
      return CANONICAL_JSON.writeValueAsString(new Content(version, vendors));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("catalog " + name + " cannot be written as JSON: " + e.getMessage(), e);
    }
  }

  /** Reads a catalog from its text (a file's YAML or its {@link #canonicalText}); {@code name} is used in error messages. */
  public static EndpointCatalogFile read(String name, String text) {
    return read(name, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

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

  /**
   * @param source where the entries come from (a public page), so they can be reviewed
   * @param facts what the vendor states for all its services (optional); a service that states
   *     the same fact itself overrides it
   */
  public record Vendor(String id, String name, String source, List<Fact> facts, List<Service> services) {
    public Vendor {
      requireIdentifier("vendor id", id);
      requireText("vendor " + id + ": name", name);
      requireText("vendor " + id + ": source", source);
      if (services == null || services.isEmpty()) {
        throw new IllegalArgumentException("vendor " + id + " lists no services");
      }
      services = List.copyOf(services);
      facts = facts == null ? List.of() : List.copyOf(facts);
      requireDistinctFacts("vendor " + id, facts);
    }

    /**
     * What is known about the data sent to {@code service}: its own facts, then the vendor's for
     * the facts it does not state; in {@link #FACTS} order. A fact absent here is unknown.
     */
    public Map<String, Fact> factsOf(Service service) {
      Map<String, Fact> known = new java.util.TreeMap<>(java.util.Comparator.comparingInt(FACTS::indexOf));
      facts.forEach(fact -> known.put(fact.fact(), fact));
      service.facts().forEach(fact -> known.put(fact.fact(), fact));
      return known;
    }
  }

  /** The service categories a catalog may use; {@code docs/catalog.md} explains each. */
  public static final Set<String> CATEGORIES = Set.of(
      "llm-api", "model-gateway", "chat-web", "ide-assistant", "agent", "telemetry", "console", "update");

  /**
   * @param category one of {@link #CATEGORIES}
   * @param domains host-name patterns ({@link DomainPattern})
   * @param cidrs address ranges the vendor publishes for this service (optional)
   * @param resource what the wildcard of this service's patterns names (region, account, tenant,
   *     resource, ...): when set, the text the wildcard matched is kept as the flow's resource;
   *     when absent, it is not kept
   * @param source where this service's entries come from, when not the vendor's page (optional)
   * @param facts what the vendor says it does with the data sent to this service (optional)
   */
  public record Service(
      String id, String category, List<DomainPattern> domains, List<String> cidrs, String resource, String source, List<Fact> facts) {
    public Service {
      requireIdentifier("service id", id);
      if (category == null || !CATEGORIES.contains(category)) {
        throw new IllegalArgumentException("service " + id + ": category must be one of " + new TreeSet<>(CATEGORIES) + ", was '" + category + "'");
      }
      domains = domains == null ? List.of() : List.copyOf(domains);
      cidrs = cidrs == null ? List.of() : List.copyOf(cidrs);
      if (domains.isEmpty() && cidrs.isEmpty()) {
        throw new IllegalArgumentException("service " + id + " lists no domains and no cidrs");
      }
      cidrs.forEach(CidrTable.Range::parse); // rejects a bad range while the line is known
      if (resource != null) {
        requireIdentifier("service " + id + ": resource", resource);
        if (domains.stream().noneMatch(DomainPattern::hasWildcard)) {
          throw new IllegalArgumentException("service " + id + " keeps a resource but none of its domains has a wildcard");
        }
      }
      if (source != null) {
        requireText("service " + id + ": source", source);
      }
      facts = facts == null ? List.of() : List.copyOf(facts);
      requireDistinctFacts("service " + id, facts);
    }

    /**
     * Which training fact speaks for the people who use this service: consumers in a chat
     * application, API customers everywhere else.
     */
    public String trainingFact() {
      return "chat-web".equals(category) ? TRAINS_ON_CONSUMER_DATA : TRAINS_ON_API_DATA;
    }

    /** The published ranges, parsed. */
    public List<CidrTable.Range> ranges() {
      return cidrs.stream().map(CidrTable.Range::parse).toList();
    }

    /** This service's own source, else the vendor's. */
    public String sourceOr(String vendorSource) {
      return source == null ? vendorSource : source;
    }
  }

  public static final String TRAINS_ON_API_DATA = "trains-on-api-data-by-default";
  public static final String TRAINS_ON_CONSUMER_DATA = "trains-on-consumer-data-by-default";
  public static final String RETENTION = "retention";
  public static final String PROCESSING_REGIONS = "processing-regions";
  public static final String CERTIFICATIONS = "certifications";
  public static final String ZERO_RETENTION_OFFER = "zero-retention-offer";

  /**
   * The data facts a catalog may state about a vendor or service, in the order they are shown;
   * {@code docs/catalog.md} explains each. Each fact's {@code answer} has the form of its pattern
   * (see {@link Fact}).
   */
  public static final List<String> FACTS = List.of(
      TRAINS_ON_API_DATA, TRAINS_ON_CONSUMER_DATA, RETENTION, PROCESSING_REGIONS, CERTIFICATIONS, ZERO_RETENTION_OFFER);

  /** The answer of a fact the vendor speaks of without saying it plainly; the same as not listing it. */
  public static final String UNKNOWN = "unknown";

  private static final Pattern YES_NO = Pattern.compile("yes|no");
  private static final Pattern WORDS = Pattern.compile("[a-z0-9][a-z0-9-]*(, [a-z0-9][a-z0-9-]*)*");
  private static final Map<String, Pattern> ANSWERS = Map.of(
      TRAINS_ON_API_DATA, YES_NO,
      TRAINS_ON_CONSUMER_DATA, YES_NO,
      RETENTION, Pattern.compile("[0-9]{1,5}d|until-deleted"),
      PROCESSING_REGIONS, WORDS,
      CERTIFICATIONS, WORDS,
      ZERO_RETENTION_OFFER, YES_NO);
  private static final Map<String, String> ANSWER_FORMS = Map.of(
      TRAINS_ON_API_DATA, "yes, no or unknown",
      TRAINS_ON_CONSUMER_DATA, "yes, no or unknown",
      RETENTION, "days kept by default, as 30d (0d: not kept), until-deleted or unknown",
      PROCESSING_REGIONS, "lower-case words separated by ', ' (us, eu, cn, any, chosen-region, ...) or unknown",
      CERTIFICATIONS, "lower-case words separated by ', ' (soc2-type2, iso27001, ...) or unknown",
      ZERO_RETENTION_OFFER, "yes, no or unknown");

  /** The form {@code answer} takes for {@code fact}, as said in error messages and docs. */
  public static String answerForm(String fact) {
    return ANSWER_FORMS.get(fact);
  }

  /**
   * One thing a vendor states about the data sent to a service, in its own words where possible,
   * and the short answer that queries use.
   *
   * @param fact one of {@link #FACTS}
   * @param answer the statement reduced to a value a query can use: yes/no for the training and
   *     zero-retention facts, days for retention ({@code 30d}, {@code 0d}, {@code until-deleted}),
   *     lower-case words for regions and certifications ({@link #answerForm}); {@value #UNKNOWN}
   *     where the page speaks of it without saying it plainly
   * @param value what the vendor states, in its words
   * @param source the page that states it
   * @param checked the day someone read it there (ISO date): facts change, so the age shows
   */
  public record Fact(String fact, String answer, String value, String source, String checked) {
    public Fact {
      if (fact == null || !FACTS.contains(fact)) {
        throw new IllegalArgumentException("fact must be one of " + new TreeSet<>(FACTS) + ", was '" + fact + "'");
      }
      if (answer == null || !(UNKNOWN.equals(answer) || ANSWERS.get(fact).matcher(answer).matches())) {
        throw new IllegalArgumentException("fact " + fact + ": answer must be " + ANSWER_FORMS.get(fact) + ", was '" + answer + "'");
      }
      requireText("fact " + fact + ": value", value);
      requireText("fact " + fact + ": source", source);
      try {
        java.time.LocalDate.parse(checked == null ? "" : checked);
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException("fact " + fact + ": checked must be the date it was read (YYYY-MM-DD), was '" + checked + "'");
      }
    }
  }

  private static void requireDistinctFacts(String owner, List<Fact> facts) {
    Set<String> seen = new java.util.HashSet<>();
    for (Fact fact : facts) {
      if (!seen.add(fact.fact())) {
        throw new IllegalArgumentException(owner + " states " + fact.fact() + " twice");
      }
    }
  }

  /**
   * A host-name pattern. {@code example.com} matches the name and every subdomain;
   * {@code *.example.com} only subdomains (any number of labels; the label next to
   * {@code example.com} is the resource). Inside the pattern one label may be a wildcard:
   * {@code *} (exactly one label, as in {@code bedrock-runtime.*.amazonaws.com}) or a label with
   * one {@code *} for a non-empty part of it ({@code *-aiplatform.googleapis.com}). At most one
   * wildcard per pattern, and the last two labels are literal, so a pattern never claims a whole
   * top-level or registrable domain by accident.
   *
   * @param suffix the pattern without a leading {@code *.}, lower-case
   */
  public record DomainPattern(String suffix, boolean subdomainsOnly) {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");
    private static final Pattern WILDCARD_LABEL = Pattern.compile("[a-z0-9_-]*\\*[a-z0-9_-]*");

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
      String[] labels = suffix.split("\\.", -1);
      if (suffix.length() > 253 || labels.length < 2) {
        throw new IllegalArgumentException("not a domain name or pattern: '" + text + "'");
      }
      int wildcards = subdomainsOnly ? 1 : 0;
      for (int i = 0; i < labels.length; i++) {
        String label = labels[i];
        if (label.indexOf('*') < 0) {
          if (!LABEL.matcher(label).matches()) {
            throw new IllegalArgumentException("not a domain name or pattern: '" + text + "' (label '" + label + "')");
          }
          continue;
        }
        if (!WILDCARD_LABEL.matcher(label).matches() || label.length() > 63) {
          throw new IllegalArgumentException("bad wildcard in '" + text + "': a label is '*' or has one '*' among letters, digits, '-', '_'");
        }
        if (i >= labels.length - 2) {
          throw new IllegalArgumentException("bad wildcard in '" + text + "': the last two labels must be literal");
        }
        if (++wildcards > 1) {
          throw new IllegalArgumentException("bad wildcard in '" + text + "': at most one wildcard per pattern");
        }
      }
      return new DomainPattern(suffix, subdomainsOnly);
    }

    /** The labels of {@link #suffix}, left to right. */
    public String[] labels() {
      return suffix.split("\\.");
    }

    /** Whether the pattern matches names it does not spell out. */
    public boolean hasWildcard() {
      return subdomainsOnly || suffix.indexOf('*') >= 0;
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
  private static final Set<String> VENDOR_KEYS = Set.of("id", "name", "source", "facts", "services");
  private static final Set<String> SERVICE_KEYS = Set.of("id", "category", "domains", "cidrs", "resource", "source", "facts");
  private static final Set<String> FACT_KEYS = Set.of("fact", "answer", "value", "source", "checked");

  /**
   * Checks what binding cannot: unknown keys, and two entries of the file claiming the same names
   * (the same pattern, or {@code example.com} and {@code *.example.com}: both claim the
   * subdomains) or the same range; each problem with its line.
   */
  private static void checkKeys(String name, byte[] yaml) throws IOException {
    Map<String, String> claims = new HashMap<>();
    try (JsonParser parser = YAML.getFactory().createParser(yaml)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token == JsonToken.VALUE_STRING && parser.getParsingContext().inArray()) {
          checkClaim(name, parser, claims);
        }
        if (token != JsonToken.FIELD_NAME) {
          continue;
        }
        Set<String> allowed = allowedKeys(parser.getParsingContext());
        if (allowed != null && !allowed.contains(parser.currentName())) {
          throw new CatalogException(
              name + ": " + line(parser) + ": unknown key '"
                  + parser.currentName() + "' (expected one of " + new TreeSet<>(allowed) + ")", null);
        }
      }
    }
  }

  private static void checkClaim(String name, JsonParser parser, Map<String, String> claims) throws IOException {
    String list = parser.getParsingContext().getParent() == null ? null : parser.getParsingContext().getParent().getCurrentName();
    String text = parser.getText();
    List<String> claimed;
    try {
      if ("domains".equals(list)) {
        DomainPattern pattern = DomainPattern.parse(text);
        claimed = pattern.subdomainsOnly()
            ? List.of("subdomains of " + pattern.suffix())
            : List.of(pattern.suffix(), "subdomains of " + pattern.suffix());
      } else if ("cidrs".equals(list)) {
        claimed = List.of("range " + CidrTable.Range.parse(text));
      } else {
        return;
      }
    } catch (IllegalArgumentException e) {
      return; // binding reports it, with its line
    }
    String here = line(parser);
    for (String claim : claimed) {
      String first = claims.putIfAbsent(claim, "'" + text + "' at " + here);
      if (first != null) {
        throw new CatalogException(name + ": " + here + ": '" + text + "' claims "
            + (claim.startsWith("range ") ? "the same range" : claim) + ", already claimed by " + first, null);
      }
    }
  }

  private static String line(JsonParser parser) {
    JsonLocation location = parser.currentTokenLocation();
    return "line " + location.getLineNr() + ", column " + location.getColumnNr();
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
    if ("facts".equals(listName)) {
      return FACT_KEYS;
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
