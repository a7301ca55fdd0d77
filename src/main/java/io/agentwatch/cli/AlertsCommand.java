package io.agentwatch.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The alerts query with its filters as options: what an analyst runs first. */
@Command(name = "alerts", mixinStandardHelpOptions = true, subcommands = AlertsTestDeliveryCommand.class,
    description = {"Show the alerts, newest first.",
        "",
        "Asks the stack running on the data directory, or opens the data directory itself when",
        "none runs. Each row is one state of an incident (open, update, closed). JSON carries every",
        "field: alert_id, detector, host, vendor, service, window_start, window_end (ISO-8601 UTC),",
        "observed, baseline, score, reason, top_flows, incident_id, state, version, severity, policy,",
        "host_team, baseline_kind, total_bytes, peak_bytes, peak_window_start, windows, vendor_breakdown.",
        "",
        "--incidents shows one row per incident instead (the incidents query): its latest version's",
        "alert_id, state, severity, totals and reason, its first window start, last window end and",
        "number of updates; the same filters select the incidents of the same alerts."})
final class AlertsCommand implements Callable<Integer> {

  static final String[] TABLE_COLUMNS = {"window_start", "detector", "host", "vendor", "severity", "state", "score", "reason"};

  /** As wide as the alerts' table: the incident's total instead of one record's score (JSON and CSV have every field). */
  static final String[] INCIDENT_TABLE_COLUMNS = {"window_start", "detector", "host", "vendor", "severity", "state", "total_bytes",
      "reason"};

  @Option(names = "--since", paramLabel = "TIME", defaultValue = "24h",
      description = "Alerts whose window starts at or after this time: 24h or 7d ago, now, 2026-12-06, 2026-12-06T14:00:00Z. Default: ${DEFAULT-VALUE}.")
  String since;

  @Option(names = "--until", paramLabel = "TIME", description = "And before this time (same forms as --since). Default: no end.")
  String until;

  @Option(names = "--host", paramLabel = "HOST", description = "Only this host.")
  String host;

  @Option(names = "--vendor", paramLabel = "VENDOR", description = "Only this vendor.")
  String vendor;

  @Option(names = "--incidents", description = "One row per incident (its latest version) instead of one per alert record.")
  boolean incidents;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N alerts (incidents). Default: ${DEFAULT-VALUE}.")
  long limit;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      description = "table, json or csv (see `agentwatch query --help`). Default: ${DEFAULT-VALUE}.")
  String format;

  @Mixin
  DataDirOption dataDir;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    var resultFormat = QueryCommand.format(format);
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("since", since);
    parameters.put("limit", Long.toString(limit));
    if (until != null) {
      parameters.put("until", until);
    }
    if (host != null) {
      parameters.put("host", host);
    }
    if (vendor != null) {
      parameters.put("vendor", vendor);
    }
    // People read the window, who, to whom, how unusual and why; programs get every field.
    QueryTarget.print(dataDir.dataDirectory(), incidents ? "incidents" : "alerts", parameters, resultFormat,
        incidents ? INCIDENT_TABLE_COLUMNS : TABLE_COLUMNS, spec.commandLine().getOut());
    return 0;
  }
}
