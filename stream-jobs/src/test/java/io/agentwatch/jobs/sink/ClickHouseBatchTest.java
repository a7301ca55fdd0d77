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
  void theCheckpointFormIsDataOutputStreamsLayoutWithTheDeadLetterFlagLast() throws Exception {
    // writeUTF, int, int, bytes, then (version 2) a boolean: true for a batch of dead_letters rows.
    for (boolean deadLetters : new boolean[] {false, true}) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeUTF("alerts-1");
        out.writeInt(2);
        out.writeInt(3);
        out.write(new byte[] {7, 8, 9});
        out.writeBoolean(deadLetters);
      }
      ClickHouseBatch batch = new ClickHouseBatch("alerts-1", 2, new byte[] {7, 8, 9}, deadLetters);
      assertArrayEquals(bytes.toByteArray(), serializer.serialize(batch));
      assertEquals(deadLetters, serializer.deserialize(2, bytes.toByteArray()).deadLetters());
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
