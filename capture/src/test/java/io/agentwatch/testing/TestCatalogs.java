package io.agentwatch.testing;

/**
 * A user's catalog file for tests of catalog changes: it names api.acme.example, which the built-in
 * catalog does not know. In capture's test-jar, so the application's tests (catalog publish,
 * re-identification, a sensor following the topic) use the same file as capture's own.
 */
public final class TestCatalogs {

  /** Vendor acme-ai, service api (llm-api), domain api.acme.example. */
  public static final String ACME = """
      version: 1
      vendors:
        - id: acme-ai
          name: Acme AI
          source: https://acme.example/docs/endpoints
          services:
            - id: api
              category: llm-api
              domains: [api.acme.example]
      """;

  private TestCatalogs() {}
}
