package io.agentwatch.jobs.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;

class ClickHouseBatchTest {

  private final ClickHouseBatch.Serializer serializer = new ClickHouseBatch.Serializer();

  @Test
  void aBatchComesBackFromItsCheckpointFormWithTokenCountAndRows() throws Exception {
    byte[] rows = new byte[70_000];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = (byte) (i * 31);
    }
    for (String token : new String[] {"flows-3f2c9a4e-7d4b-4c55-9a57-1b0e8f3a2d61-17", "", "tökén-ü"}) {
      ClickHouseBatch batch = new ClickHouseBatch(token, 1234, rows);
      ClickHouseBatch back = serializer.deserialize(serializer.getVersion(), serializer.serialize(batch));
      assertEquals(token, back.token());
      assertEquals(1234, back.rowCount());
      assertArrayEquals(rows, back.rows());
    }
  }

  @Test
  void theCheckpointFormIsDataOutputStreamsLayoutWithTheDeadLetterFlagAndRowEndsLast() throws Exception {
    // writeUTF, int, int, bytes, then (version 2) a boolean (true: dead_letters rows) and the row
    // ends (their count, -1 for none, then each).
    for (int[] rowEnds : new int[][] {null, {1, 3}}) {
      boolean deadLetters = rowEnds == null;
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeUTF("alerts-1");
        out.writeInt(2);
        out.writeInt(3);
        out.write(new byte[] {7, 8, 9});
        out.writeBoolean(deadLetters);
        out.writeInt(rowEnds == null ? -1 : rowEnds.length);
        for (int end : rowEnds == null ? new int[0] : rowEnds) {
          out.writeInt(end);
        }
      }
      ClickHouseBatch batch = new ClickHouseBatch("alerts-1", 2, new byte[] {7, 8, 9}, deadLetters, rowEnds);
      assertArrayEquals(bytes.toByteArray(), serializer.serialize(batch));
      ClickHouseBatch back = serializer.deserialize(2, bytes.toByteArray());
      assertEquals(deadLetters, back.deadLetters());
      assertArrayEquals(rowEnds, back.rowEnds());
    }
  }

  @Test
  void aVersionOneCheckpointStillRestoresAsRowsOfTheSinksTable() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF("alerts-1");
      out.writeInt(2);
      out.writeInt(3);
      out.write(new byte[] {7, 8, 9});
    }
    ClickHouseBatch batch = serializer.deserialize(1, bytes.toByteArray());
    assertEquals("alerts-1", batch.token());
    assertArrayEquals(new byte[] {7, 8, 9}, batch.rows());
    assertEquals(false, batch.deadLetters());
  }
}
