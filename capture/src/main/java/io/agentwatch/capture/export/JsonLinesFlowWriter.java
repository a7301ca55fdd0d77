package io.agentwatch.capture.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.agentwatch.schema.FlowRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Writes each flow record as one JSON object per line, with the fields of {@link FlowFields} in
 * their contract order. The writer does not close the stream it was given.
 */
public final class JsonLinesFlowWriter implements FlowSink {

  private static final JsonFactory JSON = JsonFactory.builder().build();
  // Field names quoted and escaped once, not for every record (a third of the writer's time).
  private static final SerializedString[] NAMES =
      FlowFields.ALL.stream().map(field -> new SerializedString(field.name())).toArray(SerializedString[]::new);

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
      for (int i = 0; i < NAMES.length; i++) {
        FlowFields.Field field = FlowFields.ALL.get(i);
        json.writeFieldName(NAMES[i]);
        if (field instanceof FlowFields.NumberField n) {
          json.writeNumber(n.value().applyAsLong(record));
        } else if (field instanceof FlowFields.TextField t) {
          json.writeString(t.value().apply(record));
        } else if (field instanceof FlowFields.BooleanField b) {
          json.writeBoolean(b.value().test(record));
        }
      }
      json.writeEndObject();
      json.writeRaw('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write flow record", e);
    }
  }

  /** A live capture's records reach the terminal or pipe within a second. */
  @Override
  public void tick() {
    flush();
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
