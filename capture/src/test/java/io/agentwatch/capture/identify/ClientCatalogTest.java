package io.agentwatch.capture.identify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client catalog: what the built-in file says, and what reading a file rejects (naming file, line and problem). */
class ClientCatalogTest {

  @Test
  void theNodeBasedAgentsShareOneFingerprintAndEachAgentDiffersFromCurl() {
    ClientCatalog catalog = ClientCatalog.builtin();
    List<String> curl = catalog.client("curl").ja4s();
    for (String agent : List.of("claude-code", "codex", "gemini-cli", "qwen-code")) {
      assertTrue(catalog.client(agent).ja4s().stream().noneMatch(curl::contains), agent);
    }
    String nodeFetch = catalog.client("gemini-cli").ja4s().get(0);
    assertEquals(List.of("gemini-cli", "qwen-code", "anthropic-sdk-node", "openai-sdk-node"), catalog.sharedJa4s().get(nodeFetch));
    assertTrue(catalog.client("cursor").ja4s().isEmpty(), "a client not obtained here lists no fingerprint");
  }

  @Test
  void readingRejectsWithFileLineAndProblem() {
    String client = "version: 1\nclients:\n  - id: x\n    name: X\n    kind: agent-cli\n";
    assertProblem("clients.yaml line 6 (clients[0]): client x: give either command (how its fingerprint was obtained) or not-obtained (why not), not neither",
        client);
    assertProblem("clients.yaml line 8 (clients[0].colour): Unrecognized field \"colour\"", client + "    not-obtained: why\n    colour: blue\n");
    assertProblem("client x: kind must be one of [agent-cli, browser, sdk, tool], was 'robot'", client.replace("agent-cli", "robot"));
    assertProblem("contact a.example: 'not-a-ja4' is not a TCP JA4", client + "    command: x\n    stack: s\n    checked: 2026-12-07\n"
        + "    contacts:\n      - {host: a.example, role: model-api, ja4: [not-a-ja4], what: w}\n");
    assertProblem("client x: package must be an npm name with an exact version (name@1.2.3), was 'x@^1.0.0'",
        client + "    not-obtained: why\n    package: x@^1.0.0\n");
    assertProblem("client x is listed twice", client + "    not-obtained: why\n" + client.substring(client.indexOf("  - id")) + "    not-obtained: why\n");
  }

  private static void assertProblem(String expected, String yaml) {
    CatalogException problem = assertThrows(CatalogException.class,
        () -> ClientCatalog.read("clients.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))));
    assertTrue(problem.getMessage().contains(expected), "expected '" + expected + "' in: " + problem.getMessage());
  }
}
