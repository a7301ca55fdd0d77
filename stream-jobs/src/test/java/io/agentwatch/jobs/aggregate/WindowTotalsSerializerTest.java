package io.agentwatch.jobs.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class WindowTotalsSerializerTest {

  private static WindowTotals sample() {
    WindowTotals t = new WindowTotals();
    t.bytesUp = 1_000_000_000_123L;
    t.bytesDown = 42;
    t.packetsUp = 7;
    t.packetsDown = 9;
    t.flows = 3;
    t.maxUpload = 900;
    t.destinations = new String[] {"160.79.104.1", "2607:6bc0::10", "ünïcode"};
    t.offerTop("1:LQU9qZlK+B5F3KDmev6m5PMibrg=", 900);
    t.offerTop("tcp 10.0.0.1:40000 > 160.79.104.1:443", 80);
    return t;
  }

  private static void assertSameTotals(WindowTotals expected, WindowTotals actual) {
    assertEquals(expected.bytesUp, actual.bytesUp);
    assertEquals(expected.bytesDown, actual.bytesDown);
    assertEquals(expected.packetsUp, actual.packetsUp);
    assertEquals(expected.packetsDown, actual.packetsDown);
    assertEquals(expected.flows, actual.flows);
    assertEquals(expected.maxUpload, actual.maxUpload);
    assertArrayEquals(expected.destinations, actual.destinations);
    assertArrayEquals(expected.topKeys, actual.topKeys);
    assertArrayEquals(expected.topBytes, actual.topBytes);
  }

  @Test
  void writesAndReadsBackEveryField() throws Exception {
    WindowTotals t = sample();
    DataOutputSerializer out = new DataOutputSerializer(64);
    WindowTotalsSerializer.INSTANCE.serialize(t, out);
    WindowTotalsSerializer.INSTANCE.serialize(new WindowTotals(), out);
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    assertSameTotals(t, WindowTotalsSerializer.INSTANCE.deserialize(in));
    assertSameTotals(new WindowTotals(), WindowTotalsSerializer.INSTANCE.deserialize(in));
    assertEquals(0, in.available());
  }

  @Test
  void aCopyIsIndependentOfTheOriginal() {
    WindowTotals t = sample();
    WindowTotals copy = WindowTotalsSerializer.INSTANCE.copy(t);
    t.offerTop("bigger", 10_000);
    t.flows++;
    assertSameTotals(sample(), copy);
  }

  @Test
  void isWhatTheWindowStateUsesAndRestoresFromItsSnapshot() throws Exception {
    TypeSerializer<WindowTotals> serializer = WindowTotalsSerializer.TYPE.createSerializer(new SerializerConfigImpl());
    assertSame(WindowTotalsSerializer.INSTANCE, serializer);
    TypeSerializerSnapshot<WindowTotals> snapshot = serializer.snapshotConfiguration();
    DataOutputSerializer out = new DataOutputSerializer(16);
    snapshot.writeSnapshot(out);
    WindowTotalsSerializer.Snapshot restored = new WindowTotalsSerializer.Snapshot();
    restored.readSnapshot(snapshot.getCurrentVersion(), new DataInputDeserializer(out.getCopyOfBuffer()),
        getClass().getClassLoader());
    assertSame(WindowTotalsSerializer.INSTANCE, restored.restoreSerializer());
    assertEquals(true, restored.resolveSchemaCompatibility(snapshot).isCompatibleAsIs());
  }
}
