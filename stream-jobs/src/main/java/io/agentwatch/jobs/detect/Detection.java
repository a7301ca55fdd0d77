package io.agentwatch.jobs.detect;

import io.agentwatch.schema.ExposureAlert;
import io.agentwatch.schema.HostVendorWindow;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

/**
 * The detectors over the aggregation's windows:
 *
 * <pre>
 *   host × vendor × service windows ─┬─ key host ─ first contact, policy ──────────────────────────┐
 *                                    └─ key host ─ host minute ─ key host ─ spike, sustained upload ┤
 *                                        each host minute, with the host's usual high ┬─ upload-heavy ┤ key detector/host/vendor
 *                                                                                     └─ key minute ─ ┤  ─ incidents ─→ alerts
 *                                                                                        fleet ───────┘
 * </pre>
 *
 * A host minute is judged when the watermark closes it. A part of a record that arrives after that,
 * within the allowed lateness (a record that straddled a minute, or spanned several, reported
 * after the minute closed), fires its vendor × service window again with complete totals; the
 * host minute replaces that window's earlier firing and fires again, and the spike detector
 * judges the revised minute against the host's bar: a burst whose first minute was incomplete
 * when it closed alerts as soon as the rest arrives. A revised minute alerts only if that minute
 * had not (its bytes are in the incident once) and teaches nothing.
 */
public final class Detection {

  private Detection() {}

  /** Over windows that never fire late (stored minutes replayed in order, as a backtest does). */
  public static DataStream<ExposureAlert> alerts(DataStream<HostVendorWindow> windows, Duration window,
      DetectionConfig config) {
    return alerts(windows, window, Duration.ZERO, config);
  }

  /**
   * Over the aggregation's windows, which fire again for parts up to {@code allowedLateness}
   * after their end (the aggregation's own setting: the host minutes wait as long).
   */
  public static DataStream<ExposureAlert> alerts(DataStream<HostVendorWindow> windows, Duration window,
      Duration allowedLateness, DetectionConfig config) {
    config.validate();
    AvroTypeInfo<ExposureAlert> alertType = new AvroTypeInfo<>(ExposureAlert.class);

    DataStream<ExposureAlert> firstContacts = windows
        .keyBy(HostVendorWindow::getHost)
        .process(new FirstContactDetector(config), alertType).name("first contact");

    DataStream<HostWindow> hostMinutes = windows
        .keyBy(HostVendorWindow::getHost)
        .window(TumblingEventTimeWindows.of(window))
        .allowedLateness(allowedLateness)
        .aggregate(new HostWindowAccumulator(), TypeInformation.of(HostWindow.class),
            TypeInformation.of(HostWindow.class))
        .name("host minutes");

    SingleOutputStreamOperator<ExposureAlert> hostBaseline = hostMinutes
        .keyBy(h -> h.host)
        // A minute can be revised until the watermark is the allowed lateness past its end.
        .process(new HostBaselineDetector(config, window.multipliedBy(2).plus(allowedLateness)), alertType)
        .name("upload spike, sustained upload");
    DataStream<HostWindow> judged = hostBaseline.getSideOutput(HostBaselineDetector.JUDGED);

    DataStream<ExposureAlert> uploadHeavy = judged
        .flatMap(new UploadHeavyDetector(config), alertType).name("upload-heavy windows");

    DataStream<ExposureAlert> fleet = judged
        .keyBy(h -> h.windowStart)
        .process(new FleetOutlierDetector(config), alertType).name("host far above the fleet");

    return firstContacts.union(uploadHeavy, hostBaseline, fleet)
        .keyBy(Incidents::key)
        .process(new Incidents(config), alertType).name("incidents");
  }
}
