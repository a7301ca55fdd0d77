package io.agentwatch.cli;

import io.agentwatch.report.FleetReport;
import io.agentwatch.report.ReportException;
import io.agentwatch.report.ReportFormat;
import io.agentwatch.report.ReportRange;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The fleet usage report for managers: io.agentwatch.report laid out as HTML, Markdown or CSV. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write the fleet usage report: who sends how much to which AI vendor.",
        "",
        "A summary (upload and download per vendor, hosts and teams using each, the change against",
        "the previous period of the same length: week over week for 7d), upload over time, top hosts,",
        "top teams, hosts that used a vendor for the first time, and the alerts with their reasons.",
        "Every number comes from the named queries (`agentwatch query` shows the same). Asks the stack",
        "running on the data directory through its API, or opens the data directory when none runs.",
        "",
        "HTML is one self-contained file (inline CSS and SVG charts, no script) that opens offline;",
        "md is Markdown for a wiki page or a ticket; csv is one table after another, each row starting",
        "with its section (range, totals, vendors, upload_over_time, top_hosts, top_teams,",
        "new_vendor_pairs, alerts). Times are ISO-8601 UTC; the range is stated at the top.",
        "",
        "Examples:",
        "  agentwatch report --out weekly.html                      # the last 7 days vs the 7 before",
        "  agentwatch report --since 2026-11-01 --until 2026-12-01 --format md --out november.md",
        "  agentwatch report --since 24h --team payments --format md  # to stdout, for a ticket",
        "  agentwatch report --format csv | grep '^top_hosts,'       # one table for a script"})
final class ReportCommand implements Callable<Integer> {

  @Option(names = "--since", paramLabel = "TIME", defaultValue = "7d",
      description = "Start of the range: 7d or 24h ago, now, 2026-12-06 (midnight UTC), 2026-12-06T14:00:00Z. Default: ${DEFAULT-VALUE}.")
  String since;

  @Option(names = "--until", paramLabel = "TIME", defaultValue = "now",
      description = "End of the range (excluded), in the same forms. Default: ${DEFAULT-VALUE}.")
  String until;

  @Option(names = "--team", paramLabel = "TEAM", description = "Only this team's hosts (default: the whole fleet).")
  String team;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "html",
      description = "html, md or csv. Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--out", paramLabel = "FILE", description = "Write the report to FILE (default: stdout).")
  Path outFile;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "" + FleetReport.DEFAULT_LIMIT,
      description = "Rows in the top hosts, top teams and new pairs tables. Default: ${DEFAULT-VALUE}.")
  int limit;

  @Mixin
  DataDirOption dataDir;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    ReportFormat reportFormat = ReportFormat.parse(format);
    Clock clock = Clock.systemUTC();
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    ReportRange range = ReportRange.parse(since, until, now);
    if (limit < 1) {
      throw new IllegalArgumentException("--limit " + limit + ": give at least 1");
    }
    PrintWriter err = spec.commandLine().getErr();
    Consumer<String> progress = stderrIsTerminal() ? line -> err.println("report: " + line) : line -> { };
    FleetReport report;
    try (QueryTarget target = QueryTarget.open(dataDir.dataDirectory(), clock)) {
      report = FleetReport.gather(target::run, range, team, limit, progress, now);
    } catch (ReportException e) {
      throw new UserError(e.getMessage(), 1, e);
    }
    if (outFile == null) {
      reportFormat.write(report, spec.commandLine().getOut());
      return 0;
    }
    try (PrintWriter file = new PrintWriter(Files.newBufferedWriter(outFile, StandardCharsets.UTF_8))) {
      reportFormat.write(report, file);
    } catch (IOException | UncheckedIOException e) {
      throw new UserError("cannot write the report to " + outFile + ": " + e.getMessage(), 1, e);
    }
    if (stderrIsTerminal()) {
      err.println("report: wrote " + outFile);
    }
    return 0;
  }

  /** Whether stderr is a terminal (Linux: where /proc/self/fd/2 points); progress lines only go there. */
  private static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
