package io.agentwatch.jobs.aggregate;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * How a {@link FlowPart} crosses the keyBy (and reaches the late side output): a compact record
 * instead of Flink's POJO serializer, which writes each text one character at a time and every
 * field of a part whatever its kind. A single part is its texts as modified-UTF-8 blocks and its
 * numbers; a combined one ({@link CombineParts}) only its key, window and totals.
 */
public final class FlowPartSerializer extends TypeSerializerSingleton<FlowPart> {

  public static final FlowPartSerializer INSTANCE = new FlowPartSerializer();

  /** The type information that makes Flink use this serializer. */
  public static final TypeInformation<FlowPart> TYPE = new SerializerTypeInfo<>(FlowPart.class, INSTANCE);

  private static final byte SINGLE = 0;
  private static final byte COMBINED = 1;

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public FlowPart createInstance() {
    return new FlowPart();
  }

  @Override
  public FlowPart copy(FlowPart from) {
    FlowPart to = new FlowPart();
    to.sensorId = from.sensorId;
    to.sequence = from.sequence;
    to.lastSeenMicros = from.lastSeenMicros;
    to.host = from.host;
    to.vendor = from.vendor;
    to.service = from.service;
    to.dstIp = from.dstIp;
    to.flowKey = from.flowKey;
    to.windowStart = from.windowStart;
    to.bytesUp = from.bytesUp;
    to.bytesDown = from.bytesDown;
    to.packetsUp = from.packetsUp;
    to.packetsDown = from.packetsDown;
    to.flows = from.flows;
    to.combined = from.combined == null ? null : WindowTotalsSerializer.INSTANCE.copy(from.combined);
    return to;
  }

  @Override
  public FlowPart copy(FlowPart from, FlowPart reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(FlowPart part, DataOutputView out) throws IOException {
    out.writeByte(part.combined == null ? SINGLE : COMBINED);
    writeText(part.host, out);
    writeText(part.vendor, out);
    writeText(part.service, out);
    out.writeLong(part.windowStart);
    if (part.combined != null) {
      WindowTotalsSerializer.INSTANCE.serialize(part.combined, out);
      return;
    }
    writeText(part.sensorId, out);
    out.writeLong(part.sequence);
    out.writeLong(part.lastSeenMicros);
    writeText(part.dstIp, out);
    writeText(part.flowKey, out);
    out.writeLong(part.bytesUp);
    out.writeLong(part.bytesDown);
    out.writeLong(part.packetsUp);
    out.writeLong(part.packetsDown);
    out.writeInt(part.flows);
  }

  @Override
  public FlowPart deserialize(DataInputView in) throws IOException {
    FlowPart part = new FlowPart();
    byte kind = in.readByte();
    part.host = readText(in);
    part.vendor = readText(in);
    part.service = readText(in);
    part.windowStart = in.readLong();
    if (kind == COMBINED) {
      part.combined = WindowTotalsSerializer.INSTANCE.deserialize(in);
      return part;
    }
    if (kind != SINGLE) {
      throw new IOException("flow part of unknown kind " + kind + " (expected " + SINGLE + " or " + COMBINED + ")");
    }
    part.sensorId = readText(in);
    part.sequence = in.readLong();
    part.lastSeenMicros = in.readLong();
    part.dstIp = readText(in);
    part.flowKey = readText(in);
    part.bytesUp = in.readLong();
    part.bytesDown = in.readLong();
    part.packetsUp = in.readLong();
    part.packetsDown = in.readLong();
    part.flows = in.readInt();
    return part;
  }

  @Override
  public FlowPart deserialize(FlowPart reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public TypeSerializerSnapshot<FlowPart> snapshotConfiguration() {
    return new Snapshot();
  }

  /** A text that may be null: the serializer does not judge which of a record's texts must be there. */
  private static void writeText(String text, DataOutputView out) throws IOException {
    out.writeBoolean(text != null);
    if (text != null) {
      out.writeUTF(text);
    }
  }

  private static String readText(DataInputView in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }

  /** Restores this serializer from a checkpoint (parts are in none today: the window state holds totals). */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<FlowPart> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
