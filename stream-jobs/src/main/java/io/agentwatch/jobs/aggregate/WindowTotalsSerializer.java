package io.agentwatch.jobs.aggregate;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * How window state ({@link WindowTotals}) is written into checkpoints and copied by the heap state
 * backend. Flink's POJO serializer would do, but it writes the text arrays one character at a time
 * through the checkpoint stream's layers, and every checkpoint writes every open window: profiled,
 * that was the largest single cost of checkpointing once a second. Here each text is one
 * modified-UTF-8 block ({@code writeUTF}: destinations and flow keys are short), arrays are
 * length-prefixed, and a copy shares the immutable strings.
 */
public final class WindowTotalsSerializer extends TypeSerializerSingleton<WindowTotals> {

  public static final WindowTotalsSerializer INSTANCE = new WindowTotalsSerializer();

  /** The type information that makes Flink use this serializer. */
  public static final TypeInformation<WindowTotals> TYPE = new SerializerTypeInfo<>(WindowTotals.class, INSTANCE);

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public WindowTotals createInstance() {
    return new WindowTotals();
  }

  @Override
  public WindowTotals copy(WindowTotals from) {
    WindowTotals to = new WindowTotals();
    to.bytesUp = from.bytesUp;
    to.bytesDown = from.bytesDown;
    to.packetsUp = from.packetsUp;
    to.packetsDown = from.packetsDown;
    to.flows = from.flows;
    to.maxUpload = from.maxUpload;
    to.destinations = from.destinations.clone();
    to.topKeys = from.topKeys.clone();
    to.topBytes = from.topBytes.clone();
    return to;
  }

  @Override
  public WindowTotals copy(WindowTotals from, WindowTotals reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(WindowTotals t, DataOutputView out) throws IOException {
    out.writeLong(t.bytesUp);
    out.writeLong(t.bytesDown);
    out.writeLong(t.packetsUp);
    out.writeLong(t.packetsDown);
    out.writeLong(t.flows);
    out.writeLong(t.maxUpload);
    writeTexts(t.destinations, out);
    writeTexts(t.topKeys, out);
    out.writeInt(t.topBytes.length);
    for (long b : t.topBytes) {
      out.writeLong(b);
    }
  }

  @Override
  public WindowTotals deserialize(DataInputView in) throws IOException {
    WindowTotals t = new WindowTotals();
    t.bytesUp = in.readLong();
    t.bytesDown = in.readLong();
    t.packetsUp = in.readLong();
    t.packetsDown = in.readLong();
    t.flows = in.readLong();
    t.maxUpload = in.readLong();
    t.destinations = readTexts(in);
    t.topKeys = readTexts(in);
    long[] topBytes = new long[in.readInt()];
    for (int i = 0; i < topBytes.length; i++) {
      topBytes[i] = in.readLong();
    }
    t.topBytes = topBytes;
    return t;
  }

  @Override
  public WindowTotals deserialize(WindowTotals reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public TypeSerializerSnapshot<WindowTotals> snapshotConfiguration() {
    return new Snapshot();
  }

  private static void writeTexts(String[] texts, DataOutputView out) throws IOException {
    out.writeInt(texts.length);
    for (String text : texts) {
      out.writeUTF(text);
    }
  }

  private static String[] readTexts(DataInputView in) throws IOException {
    String[] texts = new String[in.readInt()];
    for (int i = 0; i < texts.length; i++) {
      texts[i] = in.readUTF();
    }
    return texts;
  }

  /** Restores this serializer from a checkpoint. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<WindowTotals> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
