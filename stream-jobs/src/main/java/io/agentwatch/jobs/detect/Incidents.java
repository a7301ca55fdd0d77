package io.agentwatch.jobs.detect;

import io.agentwatch.schema.ExposureAlert;
import java.time.Instant;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by detector, host and vendor: groups the detectors' alerts into incidents instead of a
 * storm. The first alert opens an incident (state {@code open}); later ones within
 * {@code detect.cooldown} of its last window extend it (running total, windows, peak, highest
 * severity) and are reported as {@code update} at most every {@code detect.incident.update-every}
 * or when the severity rises; when the watermark passes the last window's end plus the cooldown
 * the incident is reported {@code closed} with its final totals. Each record's id is
 * {@code incident_id/version}, so a replay gives the same records.
 */
final class Incidents extends KeyedProcessFunction<String, ExposureAlert, ExposureAlert> {

  private final DetectionConfig config;
  private transient ValueState<Incident> incident;
  private transient ValueState<ExposureAlert> latest;

  /** The running state of one open incident (a Flink POJO). */
  public static final class Incident {
    public String id;
    public long start;
    public long end;
    public int version;
    public long totalBytes;
    public long peakBytes;
    public long peakStart;
    public int windows;
    public String severity;
    public long reportedAt;
  }

  Incidents(DetectionConfig config) {
    this.config = config;
  }

  static String key(ExposureAlert alert) {
    return alert.getDetector() + "/" + alert.getHost() + "/" + alert.getVendor();
  }

  @Override
  public void open(OpenContext context) {
    StateTtlConfig ttl = StateTtlConfig.newBuilder(config.stateTtl()).build();
    ValueStateDescriptor<Incident> open = new ValueStateDescriptor<>("incident", Incident.class);
    open.enableTimeToLive(ttl);
    incident = getRuntimeContext().getState(open);
    ValueStateDescriptor<ExposureAlert> last = new ValueStateDescriptor<>("latest-alert",
        new AvroTypeInfo<>(ExposureAlert.class));
    last.enableTimeToLive(ttl);
    latest = getRuntimeContext().getState(last);
  }

  @Override
  public void processElement(ExposureAlert alert, Context context, Collector<ExposureAlert> out) throws Exception {
    long quiet = config.cooldown().toMillis();
    Incident current = incident.value();
    if (current != null && alert.getWindowStart().toEpochMilli() - current.end > quiet) {
      close(current, out);
      current = null;
    }
    // A copy: with object reuse the input may be reused once this returns.
    ExposureAlert copy = ExposureAlert.newBuilder(alert).build();
    latest.update(copy);
    boolean report;
    if (current == null) {
      current = new Incident();
      current.start = alert.getWindowStart().toEpochMilli();
      current.id = key(alert) + "/" + Instant.ofEpochMilli(current.start);
      current.severity = alert.getSeverity();
      current.version = -1;
      report = true;
    } else {
      boolean worse = Severity.rank(alert.getSeverity()) > Severity.rank(current.severity);
      if (worse) {
        current.severity = alert.getSeverity();
      }
      report = worse || alert.getWindowEnd().toEpochMilli() - current.reportedAt >= config.incidentUpdateEvery().toMillis();
    }
    current.start = Math.min(current.start, alert.getWindowStart().toEpochMilli());
    current.end = Math.max(current.end, alert.getWindowEnd().toEpochMilli());
    current.totalBytes += alert.getTotalBytes();
    current.windows += alert.getWindows();
    if (alert.getPeakBytes() > current.peakBytes) {
      current.peakBytes = alert.getPeakBytes();
      current.peakStart = alert.getPeakWindowStart().toEpochMilli();
    }
    if (report) {
      current.version++;
      current.reportedAt = current.end;
      out.collect(record(current, copy, current.version == 0 ? "open" : "update"));
    }
    incident.update(current);
    context.timerService().registerEventTimeTimer(current.end + quiet);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext context, Collector<ExposureAlert> out) throws Exception {
    Incident current = incident.value();
    // Timers of windows the incident has since grown past are stale.
    if (current != null && timestamp >= current.end + config.cooldown().toMillis()) {
      close(current, out);
    }
  }

  private void close(Incident current, Collector<ExposureAlert> out) throws Exception {
    current.version++;
    out.collect(record(current, latest.value(), "closed"));
    incident.clear();
    latest.clear();
  }

  private ExposureAlert record(Incident incident, ExposureAlert latest, String state) {
    String reason = latest.getReason();
    if (!state.equals("open")) {
      reason = String.format(Locale.ROOT, "%s: %d minutes from %s to %s, %s in %d anomalous windows, peak %s at %s. Last: %s",
          state.equals("closed") ? "Closed after " + config.cooldown().toMinutes() + " quiet minutes" : "Ongoing",
          (incident.end - incident.start) / 60_000, Alerts.minute(incident.start), Alerts.minute(incident.end),
          Alerts.bytes(incident.totalBytes), incident.windows, Alerts.bytes(incident.peakBytes),
          Alerts.minute(incident.peakStart), reason);
    }
    return ExposureAlert.newBuilder(latest)
        .setAlertId(incident.id + "/" + incident.version)
        .setIncidentId(incident.id).setState(state).setVersion(incident.version).setSeverity(incident.severity)
        .setWindowStart(Instant.ofEpochMilli(incident.start)).setWindowEnd(Instant.ofEpochMilli(incident.end))
        .setTotalBytes(incident.totalBytes).setPeakBytes(incident.peakBytes)
        .setPeakWindowStart(Instant.ofEpochMilli(incident.peakStart)).setWindows(incident.windows)
        .setReason(reason)
        .build();
  }
}
