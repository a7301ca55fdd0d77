package io.agentwatch.capture.identify;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
  void everyVendorCitesAPublicSource() {
    for (EndpointCatalogFile.Vendor vendor : BUILTIN.files().get(0).vendors()) {
      assertTrue(vendor.source().startsWith("https://"), vendor.id() + " source " + vendor.source());
    }
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
    CatalogException error = assertThrows(CatalogException.class, () -> file("twice.yaml", """
        version: 1
        vendors:
          - id: a
            name: A
            source: https://a.example
            services:
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

  private static EndpointCatalogFile file(String name, String yaml) {
    return EndpointCatalogFile.read(name, new java.io.ByteArrayInputStream(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
