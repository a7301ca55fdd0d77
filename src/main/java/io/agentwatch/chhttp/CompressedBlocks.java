package io.agentwatch.chhttp;

import com.clickhouse.data.ClickHouseCityHash;
import java.io.ByteArrayOutputStream;

/**
 * The body of a response to {@code compress=1}: ClickHouse's own block framing (what its clients
 * read after asking for it). Each block is a 16-byte CityHash128 of the rest, a method byte, the
 * block's size with its 9-byte header and the data's size (both little-endian), then the data.
 * The blocks here use method 0x02 (stored, no codec), which every client reading the framing takes;
 * on loopback compressing would cost more CPU than it saves.
 */
final class CompressedBlocks {

  private static final byte METHOD_NONE = 0x02;
  private static final int HEADER = 9;
  private static final int BLOCK_DATA = 1 << 20;

  private CompressedBlocks() {}

  static byte[] frame(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + (data.length / BLOCK_DATA + 1) * (16 + HEADER));
    for (int offset = 0; offset < data.length; offset += BLOCK_DATA) {
      int length = Math.min(BLOCK_DATA, data.length - offset);
      byte[] block = new byte[HEADER + length];
      block[0] = METHOD_NONE;
      putInt32(block, 1, HEADER + length);
      putInt32(block, 5, length);
      System.arraycopy(data, offset, block, HEADER, length);
      long[] checksum = ClickHouseCityHash.cityHash128(block, 0, block.length);
      byte[] hash = new byte[16];
      putInt64(hash, 0, checksum[0]);
      putInt64(hash, 8, checksum[1]);
      out.writeBytes(hash);
      out.writeBytes(block);
    }
    return out.toByteArray();
  }

  private static void putInt32(byte[] bytes, int offset, int value) {
    for (int i = 0; i < 4; i++) {
      bytes[offset + i] = (byte) (value >>> (8 * i));
    }
  }

  private static void putInt64(byte[] bytes, int offset, long value) {
    for (int i = 0; i < 8; i++) {
      bytes[offset + i] = (byte) (value >>> (8 * i));
    }
  }
}
