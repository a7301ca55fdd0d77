package io.agentwatch.cli;

import io.agentwatch.api.ResultFormat;
import io.agentwatch.store.NamedQueries;
import io.agentwatch.store.NamedQuery;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Runs one named query of sql/queries/ on the stack's data, or lists them. */
@Command(name = "query", mixinStandardHelpOptions = true,
    description = {"Run a named query on the stored data, or list the queries.",
        "",
        "Asks the stack running on the data directory through its HTTP API, or opens the data",
        "directory itself when none runs. Only the named queries of sql/queries/ can be run.",
        "",
        "Examples:",
        "  agentwatch query                                   # list the queries and their parameters",
        "  agentwatch query host_totals --param since=24h",
        "  agentwatch query host_totals --format json | jq '.[] | select(.bytes_up > 1e6)'"})
final class QueryCommand implements Callable<Integer> {

  @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The query; none lists them all.")
  String name;

  @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE",
      description = "A parameter of the query (repeatable). Times: 2026-12-06T14:00:00Z, 2026-12-06, now, or 24h / 7d ago.")
  Map<String, String> parameters = new LinkedHashMap<>();

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      description = "table (for people: kB/MB/GB, local times, 100 columns), json (every field, times ISO-8601 UTC) or csv. Default: ${DEFAULT-VALUE}.")
  String format;

  @Mixin
  DataDirOption dataDir;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (name == null) {
      listQueries(out);
      return 0;
    }
    QueryTarget.print(dataDir.dataDirectory(), name, parameters, format(format), null, out);
    return 0;
  }

  static ResultFormat format(String text) {
    try {
      return ResultFormat.valueOf(text.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--format: '" + text + "' is not one of table, json, csv", e);
    }
  }

  private static void listQueries(PrintWriter out) {
    for (String query : NamedQueries.names()) {
      NamedQuery named = NamedQueries.get(query);
      out.println(query);
      out.println("    " + named.description());
      for (NamedQuery.Parameter parameter : named.parameters()) {
        String defaultValue = parameter.defaultValue() == null ? "required" : "default '" + parameter.defaultValue() + "'";
        out.println("    --param " + parameter.name() + "=" + parameter.type() + "  (" + defaultValue + ") " + parameter.description());
      }
    }
    out.flush();
  }
}
