package io.agentwatch.jobs.sink;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Rows of one table waiting for their checkpoint to complete (the sink's committable). The token
 * is fixed when the batch is cut and travels with it through the checkpoint, so the batch is
 * written with the same token however often a restored job commits it again.
 *
 * @param token ClickHouse insert_deduplication_token
 * @param rowCount rows in {@code rows}
 * @param rows RowBinary rows
 * @param deadLetters the rows are dead_letters rows (records whose own rows could not be
 *     encoded), not rows of the sink's table
 * @param rowEnds where each row ends in {@code rows}, so the committer can find a row the store
 *     refuses; null when not known (batches of checkpoints from before version 2)
 */
public record ClickHouseBatch(String token, int rowCount, byte[] rows, boolean deadLetters, int[] rowEnds) {

  /** Rows of the sink's own table, without their ends. */
  public ClickHouseBatch(String token, int rowCount, byte[] rows) {
    this(token, rowCount, rows, false, null);
  }

  /** Serializes batches into checkpoints. */
  static final class Serializer implements SimpleVersionedSerializer<ClickHouseBatch> {

    @Override
    public int getVersion() {
      // 2 added the dead-letters flag and the row ends after the rows; 1 (without them) is still read.
      return 2;
    }

    @Override
    public byte[] serialize(ClickHouseBatch batch) throws IOException {
      // Every checkpoint writes every waiting batch (megabytes each): one exact-size array, one copy
      // of the rows, in the layout DataOutputStream gives (writeUTF, int, int, bytes, boolean, int, ints).
      if (!plainAscii(batch.token)) {
        return serializeAnyToken(batch);
      }
      byte[] token = batch.token.getBytes(StandardCharsets.US_ASCII);
      int ends = batch.rowEnds == null ? 0 : batch.rowEnds.length;
      ByteBuffer out = ByteBuffer.allocate(2 + token.length + 8 + batch.rows.length + 1 + 4 + 4 * ends);
      out.putShort((short) token.length).put(token).putInt(batch.rowCount).putInt(batch.rows.length).put(batch.rows)
          .put((byte) (batch.deadLetters ? 1 : 0)).putInt(batch.rowEnds == null ? -1 : ends);
      for (int i = 0; i < ends; i++) {
        out.putInt(batch.rowEnds[i]);
      }
      return out.array();
    }

    /** Where modified UTF-8 (writeUTF) and ASCII are the same bytes: characters 1-127, up to 65535. */
    private static boolean plainAscii(String token) {
      if (token.length() > 0xFFFF) {
        return false;
      }
      for (int i = 0; i < token.length(); i++) {
        char c = token.charAt(i);
        if (c == 0 || c >= 0x80) {
          return false;
        }
      }
      return true;
    }

    /** Tokens that are not plain ASCII (tables are named in ASCII, so not expected). */
    private static byte[] serializeAnyToken(ClickHouseBatch batch) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(batch.rows.length + 64);
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeUTF(batch.token);
        out.writeInt(batch.rowCount);
        out.writeInt(batch.rows.length);
        out.write(batch.rows);
        out.writeBoolean(batch.deadLetters);
        out.writeInt(batch.rowEnds == null ? -1 : batch.rowEnds.length);
        if (batch.rowEnds != null) {
          for (int end : batch.rowEnds) {
            out.writeInt(end);
          }
        }
      }
      return bytes.toByteArray();
    }

    @Override
    public ClickHouseBatch deserialize(int version, byte[] serialized) throws IOException {
      if (version != 1 && version != 2) {
        throw new IOException("unknown ClickHouseBatch serialization version " + version);
      }
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
        String token = in.readUTF();
        int rowCount = in.readInt();
        byte[] rows = new byte[in.readInt()];
        in.readFully(rows);
        if (version == 1) {
          return new ClickHouseBatch(token, rowCount, rows);
        }
        boolean deadLetters = in.readBoolean();
        int ends = in.readInt();
        int[] rowEnds = ends < 0 ? null : new int[ends];
        for (int i = 0; i < ends; i++) {
          rowEnds[i] = in.readInt();
        }
        return new ClickHouseBatch(token, rowCount, rows, deadLetters, rowEnds);
      }
    }
  }
}
