package io.agentwatch.capture.identify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentwatch.capture.identify.EndpointCatalogFile.DomainPattern;
import io.agentwatch.capture.identify.EndpointCatalogFile.Service;
import io.agentwatch.capture.identify.EndpointCatalogFile.Vendor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/catalog.md} is generated from the built-in catalog file: this test renders it and
 * fails when the committed page differs, so the page never drifts from the data. To regenerate:
 * {@code mvn -o -pl capture -am test -Dtest=CatalogDocTest -Dsurefire.failIfNoSpecifiedTests=false -Dagentwatch.writeCatalogDoc=true}.
 */
class CatalogDocTest {

  private static final Path PAGE = Paths.get(System.getProperty("agentwatch.docs", "../docs")).resolve("catalog.md").toAbsolutePath().normalize();

  @Test
  void docsCatalogPageIsGeneratedFromTheBuiltinCatalog() throws Exception {
    String expected = render(EndpointCatalog.builtin().files().get(0)) + renderClients(ClientCatalog.builtin());
    if (Boolean.getBoolean("agentwatch.writeCatalogDoc")) {
      Files.writeString(PAGE, expected);
    }
    String committed = Files.exists(PAGE) ? Files.readString(PAGE) : "";
    assertEquals(expected, committed, PAGE + " is stale: regenerate it with -Dagentwatch.writeCatalogDoc=true (see " + CatalogDocTest.class.getSimpleName() + ")");
  }

  static String render(EndpointCatalogFile file) {
    int services = 0;
    int patterns = 0;
    int ranges = 0;
    Set<String> sources = new LinkedHashSet<>();
    for (Vendor vendor : file.vendors()) {
      for (Service service : vendor.services()) {
        services++;
        patterns += service.domains().size();
        ranges += service.cidrs().size();
        sources.add(service.sourceOr(vendor.source()));
      }
    }
    StringBuilder page = new StringBuilder();
    page.append("# The endpoint catalog\n\n")
        .append("<!-- Generated from capture/src/main/resources/catalog/endpoints.yaml by CatalogDocTest; do not edit by hand. -->\n\n")
        .append("Which host names and address ranges the sensor identifies as AI vendors and services: ")
        .append(file.vendors().size()).append(" vendors, ").append(services).append(" services, ")
        .append(patterns).append(" host-name patterns, ").append(ranges).append(" published address ranges, from ")
        .append(sources.size()).append(" cited pages. Each row's source is the page its names come from; a name that could ")
        .append("not be confirmed on a page is not listed.\n\n")
        .append("Patterns: `example.com` matches the name and every subdomain, `*.example.com` subdomains only; one label may be ")
        .append("a wildcard, `*` (exactly one label) or a label with one `*` (a non-empty part of it). The pattern matching the most ")
        .append("labels wins; among those, literal labels beat wildcards (compared from the right). Where a service names a ")
        .append("resource, the text its wildcard matched (a region, a resource name) is kept in the flow's `resource` field. ")
        .append("User files (`--catalog FILE`, or `catalog.files` in the configuration; same format) add entries or replace those for the same pattern.\n\n")
        .append("Version: every flow record names the catalog that identified it in `catalog_version`, a hash of what the catalog's ")
        .append("files say (not their comments or layout). This built-in catalog alone is version `")
        .append(EndpointCatalog.builtin().version()).append("`; with user files the version is another.\n\n")
        .append("Changing the catalog of running sensors: `agentwatch up` publishes its catalog (built-in and user files, checked) ")
        .append("to the compacted Kafka topic `catalog`; `agentwatch catalog publish --catalog FILE` (`--kafka HOST:PORT`, or a ")
        .append("sensor's `--config`) publishes a new one to any cluster. Every sensor exporting to Kafka follows the topic ")
        .append("(`catalog.topic`) and identifies the records it builds from then on with the new version, within seconds; one ")
        .append("that finds a publication unusable logs why (file, line, problem) and keeps its catalog. Flows already stored: ")
        .append("`agentwatch catalog reidentify --since 7d --catalog FILE` (`--dry-run` lists what would change) re-identifies them ")
        .append("with the sensor's own matcher from the SNI, DNS name and address they keep, and moves the per-minute, hour and day ")
        .append("totals with them; rows identified by an HTTP Host, the job's windows and alerts stay as they were. ")
        .append("On a cluster (`store.cluster`) only `--dry-run` runs: the rewrite is not built for sharded tables yet, ")
        .append("and the command says so (exit 2).\n\n")
        .append("Categories: `llm-api` a vendor's own model API; `model-gateway` one API in front of many vendors' models (cloud ")
        .append("model gateways, routers, inference hosts); `chat-web` a chat application; `ide-assistant` an editor assistant's ")
        .append("back end; `agent` an agent's back end; `telemetry` client telemetry; `console` account, billing and management; ")
        .append("`update` client updates.\n\n")
        .append("| vendor | service | category | host names | address ranges | resource | source |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (Vendor vendor : file.vendors()) {
      for (Service service : vendor.services()) {
        page.append("| ").append(escape(vendor.name())).append(" (`").append(vendor.id()).append("`)")
            .append(" | `").append(service.id()).append('`')
            .append(" | ").append(service.category())
            .append(" | ").append(service.domains().stream().map(DomainPattern::toString).map(d -> "`" + d + "`").collect(Collectors.joining(", ")))
            .append(" | ").append(service.cidrs().stream().map(c -> "`" + c + "`").collect(Collectors.joining(", ")))
            .append(" | ").append(service.resource() == null ? "" : service.resource())
            .append(" | ").append(service.sourceOr(vendor.source()))
            .append(" |\n");
      }
    }
    page.append("\n## Data facts\n\n")
        .append("What vendors state about the data sent to their services, each with the page that states it and the day it was ")
        .append("read there. A vendor's facts hold for all its services unless a service states its own. `unknown`: not found on a ")
        .append("page, or not said plainly, which does not mean \"no\". Facts: ")
        .append("`trains-on-api-data-by-default`, `trains-on-consumer-data-by-default` (whether the vendor trains its models on ")
        .append("what is sent unless told otherwise), `retention` (how long prompts and responses are kept by default), `processing-regions` ")
        .append("(where they are processed), `certifications`, `zero-retention-offer` (an arrangement under which nothing is kept). ")
        .append("The exposure score (`docs/exposure.md`) reads the training fact that speaks for the service's users (consumer for ")
        .append("`chat-web`, API otherwise) and the retention.\n\n")
        .append("| vendor | services | trains on API data | trains on consumer data | retention | processing regions | certifications | zero-retention offer |\n")
        .append("|---|---|---|---|---|---|---|---|\n");
    for (Vendor vendor : file.vendors()) {
      // One row for what holds for the vendor's services, then one per service that states its own.
      java.util.Map<java.util.Map<String, String>, java.util.List<String>> rows = new java.util.LinkedHashMap<>();
      for (Service service : vendor.services()) {
        java.util.Map<String, String> answers = new java.util.LinkedHashMap<>();
        vendor.factsOf(service).forEach((name, fact) -> answers.put(name, fact.answer()));
        rows.computeIfAbsent(answers, a -> new java.util.ArrayList<>()).add(service.id());
      }
      rows.forEach((answers, ids) -> {
        page.append("| ").append(escape(vendor.name()))
            .append(" | ").append(ids.size() == vendor.services().size() ? "all" : ids.stream().map(id -> "`" + id + "`").collect(Collectors.joining(", ")));
        for (String fact : EndpointCatalogFile.FACTS) {
          page.append(" | ").append(answers.getOrDefault(fact, EndpointCatalogFile.UNKNOWN));
        }
        page.append(" |\n");
      });
    }
    page.append("\n| vendor | service | fact | answer | what the vendor states | source | checked |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (Vendor vendor : file.vendors()) {
      for (EndpointCatalogFile.Fact fact : vendor.facts()) {
        factRow(page, vendor, "all", fact);
      }
      for (Service service : vendor.services()) {
        for (EndpointCatalogFile.Fact fact : service.facts()) {
          factRow(page, vendor, "`" + service.id() + "`", fact);
        }
      }
    }
    return page.toString();
  }

  /** The "Clients" section, from {@code catalog/clients.yaml}. */
  static String renderClients(ClientCatalog catalog) {
    StringBuilder page = new StringBuilder();
    page.append("\n## Clients\n\n")
        .append("<!-- Generated from capture/src/main/resources/catalog/clients.yaml by CatalogDocTest. -->\n\n")
        .append("Which program a flow's TLS fingerprint (JA4) belongs to, so usage can be split by client kind (`agent-cli`, `sdk`, ")
        .append("`browser`, `tool`): the named query `host_clients` shows each of a host's JA4s with the catalogued `client` and ")
        .append("`client_kind` (table `clients`, filled from the file when the stack starts). Every fingerprint was obtained by running ")
        .append("the client, never copied: `AgentClisOnLoopbackTest` (capture module) installs the npm packages at the versions listed, ")
        .append("runs the command of each client for one turn against a local stand-in of its vendor's API, with the vendors' real host ")
        .append("names (a private network namespace in which every name resolves to the stand-in; a local CA trusted through ")
        .append("`NODE_EXTRA_CA_CERTS`, `SSL_CERT_FILE`, `REQUESTS_CA_BUNDLE`, `CURL_CA_BUNDLE`, `CODEX_CA_CERTIFICATE`), captures ")
        .append("the loopback traffic with dumpcap and reads it with the sensor. It fails when a client shows a JA4, an ALPN or a host ")
        .append("not listed here. A client can show several JA4s: several TLS configurations in one program, and a resumed session ")
        .append("adds the pre_shared_key extension (one more in the count, another extension hash; seen with tshark in Gemini CLI's ")
        .append("capture). Bytes are L3 bytes up in one run; they vary.\n\n")
        .append("| client | kind | TLS stack | JA4 | ALPN offered | obtained with | checked |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (ClientCatalog.Client client : catalog.clients()) {
      if (client.command() == null) {
        continue;
      }
      page.append("| ").append(escape(client.name())).append(" (`").append(client.id()).append("`)")
          .append(" | ").append(client.kind())
          .append(" | ").append(escape(client.stack()))
          .append(" | ").append(client.ja4s().stream().map(j -> "`" + j + "`").collect(Collectors.joining("<br>")))
          .append(" | ").append(client.alpn().stream().map(a -> a.isEmpty() ? "none" : "`" + a + "`").collect(Collectors.joining(", ")))
          .append(" | ").append(client.packageSpec() == null ? "" : "npm `" + client.packageSpec() + "`: ")
          .append("`").append(escape(client.command().replace("\n", " "))).append("`")
          .append(" | ").append(client.checked())
          .append(" |\n");
    }
    page.append("\nWhat each client contacted in its turn, model API included:\n\n")
        .append("| client | host | role | JA4 there | what |\n")
        .append("|---|---|---|---|---|\n");
    for (ClientCatalog.Client client : catalog.clients()) {
      for (ClientCatalog.Contact contact : client.contacts()) {
        page.append("| `").append(client.id()).append("` | `").append(contact.host()).append("` | ").append(contact.role())
            .append(" | ").append(contact.ja4().isEmpty() ? "(plain HTTP)" : contact.ja4().stream().map(j -> "`" + j + "`").collect(Collectors.joining("<br>")))
            .append(" | ").append(escape(contact.what())).append(" |\n");
      }
    }
    page.append("\n### Shared fingerprints\n\n")
        .append("JA4 alone cannot separate these clients: they run on one TLS stack and send the same ClientHello. `host_clients` ")
        .append("names all of them for such a JA4. What still tells them apart: the host names a client contacts besides its model ")
        .append("API (its telemetry, configuration and update hosts, in the table above), which vendor's API it talks to, its ")
        .append("telemetry pattern (Claude Code's is on its API host name, so only the upload pattern shows it), and the full ALPN ")
        .append("list it offers (the flow's `alpn`; JA4 keeps only its first value's first and last characters).\n\n")
        .append("| JA4 | clients |\n|---|---|\n");
    catalog.sharedJa4s().forEach((ja4, ids) -> page.append("| `").append(ja4).append("` | ")
        .append(ids.stream().map(id -> "`" + id + "`").collect(Collectors.joining(", "))).append(" |\n"));
    page.append("\n### Not obtained here\n\n")
        .append("No fingerprint is listed for these; none was invented.\n\n")
        .append("| client | kind | why not |\n|---|---|---|\n");
    for (ClientCatalog.Client client : catalog.clients()) {
      if (client.command() == null) {
        page.append("| ").append(escape(client.name())).append(" (`").append(client.id()).append("`) | ").append(client.kind())
            .append(" | ").append(escape(client.notObtained())).append(" |\n");
      }
    }
    return page.toString();
  }

  private static void factRow(StringBuilder page, Vendor vendor, String service, EndpointCatalogFile.Fact fact) {
    page.append("| ").append(escape(vendor.name())).append(" | ").append(service).append(" | ").append(fact.fact())
        .append(" | ").append(fact.answer()).append(" | ").append(escape(fact.value())).append(" | ").append(fact.source())
        .append(" | ").append(fact.checked()).append(" |\n");
  }

  private static String escape(String text) {
    return text.replace("|", "\\|");
  }
}
