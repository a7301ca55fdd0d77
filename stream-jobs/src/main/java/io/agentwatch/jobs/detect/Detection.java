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
 * Each window is judged once, when the watermark closes it: a late update of a window refines the
 * stored aggregate but does not run the detectors again (it reaches the host-minute window after
 * that window has fired and is not counted there).
 */
public final class Detection {

  private Detection() {}

  public static DataStream<ExposureAlert> alerts(DataStream<HostVendorWindow> windows, Duration window,
      DetectionConfig config) {
    config.validate();
    AvroTypeInfo<ExposureAlert> alertType = new AvroTypeInfo<>(ExposureAlert.class);

    DataStream<ExposureAlert> firstContacts = windows
        .keyBy(HostVendorWindow::getHost)
        .process(new FirstContactDetector(config), alertType).name("first contact");

    DataStream<HostWindow> hostMinutes = windows
        .keyBy(HostVendorWindow::getHost)
        .window(TumblingEventTimeWindows.of(window))
        .aggregate(new HostWindowAccumulator(), TypeInformation.of(HostWindow.class),
            TypeInformation.of(HostWindow.class))
        .name("host minutes");

    SingleOutputStreamOperator<ExposureAlert> hostBaseline = hostMinutes
        .keyBy(h -> h.host)
        .process(new HostBaselineDetector(config), alertType).name("upload spike, sustained upload");
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
