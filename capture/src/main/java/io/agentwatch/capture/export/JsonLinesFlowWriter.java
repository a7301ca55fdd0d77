package io.agentwatch.capture.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.agentwatch.schema.FlowRecord;
import io.agentwatch.schema.FlowText;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes each flow record as one JSON object per line. The field names and their order are a
 * stable contract: {@code src_ip src_port dst_ip dst_port transport packets_up packets_down
 * bytes_up bytes_down first_seen last_seen sni vendor service identified_by end_reason}; later
 * versions may only append fields. Enums are lower case with hyphens ("tcp", "sni",
 * "active-timeout"), times ISO-8601 UTC with microseconds, absent strings null. The writer does
 * not close the stream it was given.
 */
public final class JsonLinesFlowWriter implements FlowSink {

  private static final DateTimeFormatter MICROS_UTC =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private final JsonGenerator json;

  public JsonLinesFlowWriter(Writer out) {
    try {
      this.json = JSON.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET).setRootValueSeparator(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JsonLinesFlowWriter(OutputStream out) {
    this(new OutputStreamWriter(out, StandardCharsets.UTF_8));
  }

  @Override
  public void accept(FlowRecord record) {
    try {
      json.writeStartObject();
      json.writeStringField("src_ip", record.getSrcIp());
      json.writeNumberField("src_port", record.getSrcPort());
      json.writeStringField("dst_ip", record.getDstIp());
      json.writeNumberField("dst_port", record.getDstPort());
      json.writeStringField("transport", FlowText.of(record.getTransport()));
      json.writeNumberField("packets_up", record.getPacketsUp());
      json.writeNumberField("packets_down", record.getPacketsDown());
      json.writeNumberField("bytes_up", record.getBytesUp());
      json.writeNumberField("bytes_down", record.getBytesDown());
      json.writeStringField("first_seen", time(record.getFirstSeen()));
      json.writeStringField("last_seen", time(record.getLastSeen()));
      json.writeStringField("sni", record.getSni());
      json.writeStringField("vendor", record.getVendor());
      json.writeStringField("service", record.getService());
      json.writeStringField("identified_by", FlowText.of(record.getIdentifiedBy()));
      json.writeStringField("end_reason", FlowText.of(record.getEndReason()));
      json.writeEndObject();
      json.writeRaw('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write flow record", e);
    }
  }

  /** The JSON spelling of a time: 2015-10-20T07:09:33.614159Z. */
  public static String time(Instant instant) {
    return instant == null ? null : MICROS_UTC.format(instant);
  }

  @Override
  public void flush() {
    try {
      json.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot flush flow records", e);
    }
  }

  @Override
  public void close() {
    try {
      json.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close flow record writer", e);
    }
  }
}
