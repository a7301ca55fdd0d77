package io.agentwatch.capture.identify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndpointCatalogTest {

  private static final EndpointCatalog BUILTIN = EndpointCatalog.builtin();

  @TempDir Path dir;

  @Test
  void namesTheAiVendorsOfTheBuiltinCatalog() {
    assertEquals(new EndpointMatch("anthropic", "api", "llm-api"), BUILTIN.match("api.anthropic.com"));
    assertEquals(new EndpointMatch("anthropic", "claude-ai", "chat-web"), BUILTIN.match("claude.ai"));
    assertEquals(new EndpointMatch("anthropic", "claude-code-telemetry", "telemetry"), BUILTIN.match("statsig.anthropic.com"));
    assertEquals("openai", BUILTIN.match("api.openai.com").vendor());
    assertEquals("chatgpt", BUILTIN.match("chatgpt.com").service());
    assertEquals("chatgpt", BUILTIN.match("chat.openai.com").service());
    assertEquals("github-copilot", BUILTIN.match("copilot-proxy.githubusercontent.com").vendor());
    assertEquals("google-gemini", BUILTIN.match("generativelanguage.googleapis.com").vendor());
    assertEquals("gemini-code-assist", BUILTIN.match("cloudcode-pa.googleapis.com").service());
    assertEquals("cursor", BUILTIN.match("api2.cursor.sh").vendor());
    assertEquals("mistral", BUILTIN.match("api.mistral.ai").vendor());
    assertEquals("deepseek", BUILTIN.match("api.deepseek.com").vendor());
    assertEquals("alibaba-qwen", BUILTIN.match("dashscope.aliyuncs.com").vendor());
    assertEquals("alibaba-qwen", BUILTIN.match("ws.dashscope.aliyuncs.com").vendor());
    assertEquals("xai", BUILTIN.match("api.x.ai").vendor());
    assertEquals("openrouter", BUILTIN.match("openrouter.ai").vendor());
    assertNull(BUILTIN.match("www.google.com"));
    assertNull(BUILTIN.match("googleapis.com"));
    assertNull(BUILTIN.match(null));
    assertNull(BUILTIN.match(""));
  }

  @Test
  void everyEntryCitesAPublicSource() {
    for (EndpointCatalogFile.Vendor vendor : BUILTIN.files().get(0).vendors()) {
      assertTrue(vendor.source().startsWith("https://"), vendor.id() + " source " + vendor.source());
      for (EndpointCatalogFile.Service service : vendor.services()) {
        String source = service.sourceOr(vendor.source());
        assertTrue(source.startsWith("https://") && source.length() > "https://x.y/".length(), vendor.id() + "/" + service.id() + " source " + source);
      }
    }
  }

  @Test
  void everyDataFactCitesAPageAndTheDayItWasRead() {
    int facts = 0;
    for (EndpointCatalogFile.Vendor vendor : BUILTIN.files().get(0).vendors()) {
      for (EndpointCatalogFile.Service service : vendor.services()) {
        for (EndpointCatalogFile.Fact fact : vendor.factsOf(service).values()) {
          assertTrue(fact.source().startsWith("https://"), vendor.id() + "/" + service.id() + " " + fact.fact() + " source " + fact.source());
          assertFalse(java.time.LocalDate.parse(fact.checked()).isAfter(java.time.LocalDate.now()), fact + " checked in the future");
          facts++;
        }
      }
    }
    assertTrue(facts > 0, "the catalog states facts");
  }

  @Test
  void aBadFactIsRejectedWithFileAndLine() {
    CatalogException name = assertThrows(CatalogException.class, () -> services("fact.yaml", """
              - id: one
                category: llm-api
                domains: [x.example]
                facts:
                  - {fact: trains-on-data, answer: no, value: no, source: https://x.example/terms, checked: 2026-12-06}
        """));
    assertTrue(name.getMessage().startsWith("fact.yaml: line "), name.getMessage());
    assertTrue(name.getMessage().contains("fact must be one of"), name.getMessage());

    CatalogException date = assertThrows(CatalogException.class, () -> services("fact-date.yaml", """
              - id: one
                category: llm-api
                domains: [x.example]
                facts:
                  - {fact: retention, answer: 30d, value: 30 days, source: https://x.example/terms, checked: last week}
        """));
    assertTrue(date.getMessage().contains("checked must be the date it was read (YYYY-MM-DD), was 'last week'"), date.getMessage());

    CatalogException key = assertThrows(CatalogException.class, () -> services("fact-key.yaml", """
              - id: one
                category: llm-api
                domains: [x.example]
                facts:
                  - {fact: retention, answer: 30d, value: 30 days, url: https://x.example/terms, checked: 2026-12-06}
        """));
    assertTrue(key.getMessage().startsWith("fact-key.yaml: line 11, column "), key.getMessage());
    assertTrue(key.getMessage().contains("unknown key 'url' (expected one of [answer, checked, fact, source, value])"), key.getMessage());
  }

  @Test
  void aFactsAnswerMustHaveTheFormItsQueriesRead() {
    CatalogException retention = assertThrows(CatalogException.class, () -> services("answer.yaml", """
              - id: one
                category: llm-api
                domains: [x.example]
                facts:
                  - {fact: retention, answer: 30 days, value: kept 30 days, source: https://x.example/terms, checked: 2026-12-06}
        """));
    assertTrue(retention.getMessage().startsWith("answer.yaml: line "), retention.getMessage());
    assertTrue(retention.getMessage().contains(
        "fact retention: answer must be days kept by default, as 30d (0d: not kept), until-deleted or unknown, was '30 days'"), retention.getMessage());

    CatalogException training = assertThrows(CatalogException.class, () -> services("training.yaml", """
              - id: one
                category: llm-api
                domains: [x.example]
                facts:
                  - {fact: trains-on-api-data-by-default, answer: opt-out, value: you may opt out, source: https://x.example/terms, checked: 2026-12-06}
        """));
    assertTrue(training.getMessage().contains("answer must be yes, no or unknown, was 'opt-out'"), training.getMessage());

    CatalogException twice = assertThrows(CatalogException.class, () -> services("twice.yaml", """
              - id: one
                category: llm-api
                domains: [x.example]
                facts:
                  - {fact: retention, answer: 30d, value: 30 days, source: https://x.example/terms, checked: 2026-12-06}
                  - {fact: retention, answer: 0d, value: not kept, source: https://x.example/zdr, checked: 2026-12-06}
        """));
    assertTrue(twice.getMessage().startsWith("twice.yaml: line "), twice.getMessage());
    assertTrue(twice.getMessage().contains("service one states retention twice"), twice.getMessage());
  }

  @Test
  void aVendorsFactsHoldForItsServicesUnlessAServiceStatesItsOwn() {
    EndpointCatalogFile file = file("vendor-facts.yaml", """
        version: 1
        vendors:
          - id: a
            name: A
            source: https://a.example
            facts:
              - {fact: retention, answer: 30d, value: kept 30 days, source: https://a.example/privacy, checked: 2026-12-06}
              - {fact: certifications, answer: "soc2-type2, iso27001", value: SOC 2 Type II and ISO 27001, source: https://a.example/trust, checked: 2026-12-06}
            services:
              - id: api
                category: llm-api
                domains: [api.a.example]
                facts:
                  - {fact: retention, answer: 0d, value: not kept, source: https://a.example/api-data, checked: 2026-12-06}
              - id: chat
                category: chat-web
                domains: [chat.a.example]
        """);
    EndpointCatalogFile.Vendor vendor = file.vendors().get(0);
    assertEquals("0d", vendor.factsOf(vendor.services().get(0)).get("retention").answer(), "the service's own");
    assertEquals("30d", vendor.factsOf(vendor.services().get(1)).get("retention").answer(), "the vendor's");
    assertEquals(List.of("retention", "certifications"), List.copyOf(vendor.factsOf(vendor.services().get(1)).keySet()));
    assertEquals("trains-on-api-data-by-default", vendor.services().get(0).trainingFact());
    assertEquals("trains-on-consumer-data-by-default", vendor.services().get(1).trainingFact());
  }

  /**
   * The biggest vendors state at least one sourced fact. Moonshot, Zhipu, Baidu and ByteDance are
   * not here yet: no page stating their data facts was found, so they stay unknown.
   */
  @Test
  void theBiggestVendorsStateSourcedFacts() {
    java.util.Set<String> biggest = java.util.Set.of("openai", "anthropic", "google-gemini", "google-vertex-ai", "azure-ai",
        "aws-bedrock", "mistral", "deepseek", "alibaba-qwen", "cohere", "xai");
    java.util.Set<String> withFacts = new java.util.TreeSet<>();
    for (EndpointCatalogFile.Vendor vendor : BUILTIN.files().get(0).vendors()) {
      for (EndpointCatalogFile.Service service : vendor.services()) {
        if (vendor.factsOf(service).values().stream().anyMatch(fact -> !EndpointCatalogFile.UNKNOWN.equals(fact.answer()))) {
          withFacts.add(vendor.id());
        }
      }
    }
    java.util.Set<String> missing = new java.util.TreeSet<>(biggest);
    missing.removeAll(withFacts);
    assertTrue(missing.isEmpty(), "no sourced fact for " + missing);
  }

  @Test
  void theBuiltinCatalogCoversAtLeastSixtyServices() {
    long services = BUILTIN.files().get(0).vendors().stream().mapToLong(vendor -> vendor.services().size()).sum();
    assertTrue(services >= 60, services + " services");
  }

  /**
   * No entry of the built-in catalog is shadowed by another: a name made from each pattern (a
   * wildcard filled in, a subdomain added where the pattern asks for one) is identified as that
   * entry's own service, so no two entries claim the same names.
   */
  @Test
  void everyBuiltinPatternIdentifiesItsOwnService() {
    for (EndpointCatalogFile.Vendor vendor : BUILTIN.files().get(0).vendors()) {
      for (EndpointCatalogFile.Service service : vendor.services()) {
        for (EndpointCatalogFile.DomainPattern pattern : service.domains()) {
          String name = (pattern.subdomainsOnly() ? "x1." : "") + pattern.suffix().replace("*", "x1");
          EndpointMatch match = BUILTIN.match(name);
          assertEquals(vendor.id() + "/" + service.id(), match == null ? null : match.vendor() + "/" + match.service(), pattern + " via " + name);
        }
      }
    }
  }

  /** No published range of one service holds (or equals) a range of another. */
  @Test
  void noTwoBuiltinServicesClaimOverlappingRanges() {
    List<String> owners = new java.util.ArrayList<>();
    List<CidrTable.Range> ranges = new java.util.ArrayList<>();
    for (EndpointCatalogFile.Vendor vendor : BUILTIN.files().get(0).vendors()) {
      for (EndpointCatalogFile.Service service : vendor.services()) {
        for (String cidr : service.cidrs()) {
          CidrTable.Range range = CidrTable.Range.parse(cidr);
          for (int i = 0; i < ranges.size(); i++) {
            assertFalse(overlap(ranges.get(i), range), cidr + " of " + vendor.id() + "/" + service.id() + " overlaps a range of " + owners.get(i));
          }
          ranges.add(range);
          owners.add(vendor.id() + "/" + service.id());
        }
      }
    }
    assertTrue(ranges.size() >= 2, "the catalog publishes ranges");
  }

  private static boolean overlap(CidrTable.Range a, CidrTable.Range b) {
    int shorter = Math.min(a.prefixLength(), b.prefixLength());
    return prefix(a.hi(), a.lo(), shorter) == prefix(b.hi(), b.lo(), shorter)
        && prefixLow(a.lo(), shorter) == prefixLow(b.lo(), shorter);
  }

  private static long prefix(long hi, long lo, int bits) {
    return bits >= 64 ? hi : bits == 0 ? 0 : hi & (-1L << (64 - bits));
  }

  private static long prefixLow(long lo, int bits) {
    return bits <= 64 ? 0 : lo & (-1L << (128 - bits));
  }

  @Test
  void cloudGatewaysKeepTheRegionOrResourceTheirNameCarries() {
    CatalogHit hit = new CatalogHit();
    assertTrue(BUILTIN.lookup("bedrock-runtime.ap-northeast-1.amazonaws.com", hit));
    assertEquals(new EndpointMatch("aws-bedrock", "runtime", "model-gateway"), hit.match());
    assertEquals("ap-northeast-1", hit.resource("bedrock-runtime.ap-northeast-1.amazonaws.com"));
    assertTrue(BUILTIN.lookup("EUROPE-WEST4-aiplatform.googleapis.com.", hit));
    assertEquals("europe-west4", hit.resource("EUROPE-WEST4-aiplatform.googleapis.com."), "lower-cased");
    assertTrue(BUILTIN.lookup("contoso.openai.azure.com", hit));
    assertEquals("contoso", hit.resource("contoso.openai.azure.com"));
    assertTrue(BUILTIN.lookup("api.openai.com", hit));
    assertNull(hit.resource("api.openai.com"), "a service without resource: keeps none");
    assertFalse(BUILTIN.lookup("bedrock-runtime.amazonaws.com", hit), "the wildcard stands for exactly one label");
    assertNull(hit.match());
  }

  @Test
  void theMostSpecificPatternWins() {
    EndpointCatalog catalog = EndpointCatalog.of(List.of(file("specific.yaml", """
        version: 1
        vendors:
          - id: example
            name: Example
            source: https://example.com/docs
            services:
              - {id: any-region, category: model-gateway, domains: ["api.*.example.com"], resource: region}
              - {id: eu, category: llm-api, domains: [api.eu.example.com]}
              - {id: eu-anything, category: llm-api, domains: ["*.eu.example.com"]}
              - {id: prefixed, category: llm-api, domains: ["*-ml.example.com"], resource: region}
              - {id: web, category: chat-web, domains: [example.com]}
        """)));

    assertEquals("eu", catalog.match("api.eu.example.com").service(), "literal beats wildcard");
    assertEquals("any-region", catalog.match("api.us.example.com").service());
    assertEquals("eu-anything", catalog.match("web.eu.example.com").service());
    assertEquals("eu", catalog.match("a.api.eu.example.com").service(), "more labels matched (4) beats fewer (3)");
    assertEquals("prefixed", catalog.match("us-ml.example.com").service());
    assertEquals("web", catalog.match("-ml.example.com").service(), "a wildcard part is never empty");
    assertEquals("web", catalog.match("api.a.b.example.com").service(), "'*' is one label");
  }

  @Test
  void aLookupAllocatesNothing() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    String[] names = {"bedrock-runtime.us-east-1.amazonaws.com", "us-central1-aiplatform.googleapis.com", "www.example.org",
        "API.ANTHROPIC.COM.", "x.y.z.proxy.individual.githubcopilot.com", "contoso.openai.azure.com"};
    CatalogHit hit = new CatalogHit();
    int found = 0;
    for (int i = 0; i < 200_000; i++) {
      found += BUILTIN.lookup(names[i % names.length], hit) ? 1 : 0; // warm up: compiled code
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 100_000; i++) {
      found += BUILTIN.lookup(names[i % names.length], hit) ? 1 : 0;
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(found > 0);
    assertTrue(allocated < 10_000, allocated + " bytes allocated by 100 000 lookups");
  }

  @Test
  void aDomainMatchesItselfAndSubdomainsCaseInsensitivelyWithTrailingDot() {
    assertEquals("claude-ai", BUILTIN.match("CLAUDE.AI.").service());
    assertEquals("claude-ai", BUILTIN.match("a.b.Claude.ai").service());
    assertNull(BUILTIN.match("notclaude.ai"), "suffixes match whole labels only");
  }

  @Test
  void aStarEntryMatchesSubdomainsOnly() {
    assertEquals("copilot", BUILTIN.match("proxy.individual.githubcopilot.com").service());
    assertNull(BUILTIN.match("githubcopilot.com"));
    assertEquals("cursor", BUILTIN.match("repo42.cursor.sh").vendor());
    assertNull(BUILTIN.match("cursor.sh"));
  }

  @Test
  void theLongestSuffixWins() throws Exception {
    EndpointCatalog catalog = EndpointCatalog.of(List.of(file("nested.yaml", """
        version: 1
        vendors:
          - id: example
            name: Example
            source: https://example.com/docs
            services:
              - id: web
                category: chat-web
                domains: [example.com]
              - id: api
                category: llm-api
                domains: [api.example.com]
        """)));

    assertEquals("web", catalog.match("www.example.com").service());
    assertEquals("api", catalog.match("api.example.com").service());
    assertEquals("api", catalog.match("eu.api.example.com").service());
  }

  @Test
  void aUserFileExtendsAndOverridesTheBuiltinCatalog() throws Exception {
    Path user = dir.resolve("local.yaml");
    Files.writeString(user, """
        version: 1
        vendors:
          - id: corp-gateway
            name: Corporate LLM gateway
            source: https://intranet.example/llm-gateway
            services:
              - id: gateway
                category: llm-api
                domains: [llm.corp.example, api.openai.com]
        """);

    EndpointCatalog catalog = EndpointCatalog.builtinWith(List.of(user));

    assertEquals("corp-gateway", catalog.match("llm.corp.example").vendor());
    assertEquals("corp-gateway", catalog.match("api.openai.com").vendor(), "overridden");
    assertEquals("openai", catalog.match("chatgpt.com").vendor(), "the rest stays");
  }

  @Test
  void aBadDomainIsRejectedWithFileAndLine() {
    CatalogException error = assertThrows(CatalogException.class, () -> file("bad-domain.yaml", """
        version: 1
        vendors:
          - id: example
            name: Example
            source: https://example.com/docs
            services:
              - id: api
                category: llm-api
                domains:
                  - api.example.com
                  - "not a domain"
        """));

    assertTrue(error.getMessage().startsWith("bad-domain.yaml: line 11"), error.getMessage());
    assertTrue(error.getMessage().contains("not a domain name"), error.getMessage());
  }

  @Test
  void anUnknownKeyIsRejectedWithFileAndLine() {
    CatalogException error = assertThrows(CatalogException.class, () -> file("typo.yaml", """
        version: 1
        vendors:
          - id: example
            name: Example
            source: https://example.com/docs
            servises: []
        """));

    assertTrue(error.getMessage().startsWith("typo.yaml: line 6"), error.getMessage());
    assertTrue(error.getMessage().contains("unknown key 'servises'"), error.getMessage());
  }

  @Test
  void aMissingSourceIsRejected() {
    CatalogException error = assertThrows(CatalogException.class, () -> file("no-source.yaml", """
        version: 1
        vendors:
          - id: example
            name: Example
            services:
              - id: api
                category: llm-api
                domains: [api.example.com]
        """));

    assertTrue(error.getMessage().startsWith("no-source.yaml: line "), error.getMessage());
    assertTrue(error.getMessage().contains("source"), error.getMessage());
  }

  @Test
  void aBadWildcardIsRejectedWithFileAndLine() {
    for (String pattern : List.of("api.*-*.example.com", "*.*.example.com", "api.example.*", "api.**.example.com", "a*b*.example.com")) {
      CatalogException error = assertThrows(CatalogException.class, () -> services("wild.yaml", """
              - {id: api, category: llm-api, domains: ["%s"]}
        """.formatted(pattern)), pattern);
      assertTrue(error.getMessage().startsWith("wild.yaml: line 7"), error.getMessage());
      assertTrue(error.getMessage().contains("bad wildcard in '" + pattern + "'"), error.getMessage());
    }
  }

  @Test
  void aBadRangeIsRejectedWithFileAndLine() {
    CatalogException error = assertThrows(CatalogException.class, () -> services("range.yaml", """
              - {id: api, category: llm-api, cidrs: [10.0.0.0/33]}
        """));
    assertTrue(error.getMessage().startsWith("range.yaml: line "), error.getMessage());
    assertTrue(error.getMessage().contains("10.0.0.0/33"), error.getMessage());
  }

  @Test
  void aRangeOrSubdomainsClaimedTwiceAreRejectedWithBothLines() {
    CatalogException range = assertThrows(CatalogException.class, () -> services("twice-range.yaml", """
              - {id: one, category: llm-api, cidrs: [192.0.2.0/24]}
              - {id: two, category: llm-api, cidrs: [192.0.2.0/24]}
        """));
    assertTrue(range.getMessage().startsWith("twice-range.yaml: line 8"), range.getMessage());
    assertTrue(range.getMessage().contains("claims the same range, already claimed by '192.0.2.0/24' at line 7"), range.getMessage());

    CatalogException subdomains = assertThrows(CatalogException.class, () -> services("twice-sub.yaml", """
              - {id: one, category: llm-api, domains: [x.example]}
              - {id: two, category: llm-api, domains: ["*.x.example"]}
        """));
    assertTrue(subdomains.getMessage().contains("'*.x.example' claims subdomains of x.example, already claimed by 'x.example' at line 7"),
        subdomains.getMessage());
  }

  @Test
  void anUnknownCategoryOrAResourceWithoutWildcardIsRejected() {
    CatalogException category = assertThrows(CatalogException.class, () -> services("category.yaml", """
              - {id: one, category: llm, domains: [x.example]}
        """));
    assertTrue(category.getMessage().startsWith("category.yaml: line "), category.getMessage());
    assertTrue(category.getMessage().contains("category must be one of"), category.getMessage());

    CatalogException resource = assertThrows(CatalogException.class, () -> services("resource.yaml", """
              - {id: one, category: llm-api, domains: [x.example], resource: region}
        """));
    assertTrue(resource.getMessage().contains("service one keeps a resource but none of its domains has a wildcard"), resource.getMessage());
  }

  @Test
  void brokenYamlIsRejectedWithFileAndLine() {
    CatalogException error = assertThrows(CatalogException.class, () -> file("broken.yaml", """
        version: 1
        vendors:
          - id: example
            name: [unclosed
        """));

    assertTrue(error.getMessage().startsWith("broken.yaml: line "), error.getMessage());
  }

  @Test
  void aDomainListedTwiceInOneFileIsRejectedWithBothLines() {
    CatalogException error = assertThrows(CatalogException.class, () -> services("twice.yaml", """
              - {id: one, category: llm-api, domains: [x.example]}
              - {id: two, category: llm-api, domains: [x.example]}
        """));
    assertTrue(error.getMessage().startsWith("twice.yaml: line 8, column "), error.getMessage());
    assertTrue(error.getMessage().contains("'x.example' claims x.example, already claimed by 'x.example' at line 7"), error.getMessage());
  }

  @Test
  void aMissingUserFileIsReportedByPath() {
    CatalogException error = assertThrows(CatalogException.class, () -> EndpointCatalog.builtinWith(List.of(dir.resolve("none.yaml"))));
    assertTrue(error.getMessage().contains("none.yaml"), error.getMessage());
  }

  /** A file of one vendor, {@code a}, with these service lines; the first service is on line 7. */
  private static EndpointCatalogFile services(String name, String serviceLines) {
    return file(name, """
        version: 1
        vendors:
          - id: a
            name: A
            source: https://a.example
            services:
        """ + serviceLines);
  }

  private static EndpointCatalogFile file(String name, String yaml) {
    return EndpointCatalogFile.read(name, new java.io.ByteArrayInputStream(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
