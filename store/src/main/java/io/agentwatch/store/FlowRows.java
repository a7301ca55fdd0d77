package io.agentwatch.store;

import io.agentwatch.schema.AddressLiterals;
import io.agentwatch.schema.CommunityId;
import io.agentwatch.schema.FlowColumns;
import io.agentwatch.schema.FlowColumns.Address;
import io.agentwatch.schema.FlowColumns.Column;
import io.agentwatch.schema.FlowColumns.CommunityIdFromTuple;
import io.agentwatch.schema.FlowColumns.CommunityIdHash;
import io.agentwatch.schema.FlowColumns.CommunityIdOther;
import io.agentwatch.schema.FlowColumns.Count;
import io.agentwatch.schema.FlowColumns.Flag;
import io.agentwatch.schema.FlowColumns.Text;
import io.agentwatch.schema.FlowColumns.Time;
import io.agentwatch.schema.FlowRecord;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * How a {@link FlowRecord} becomes a row of the {@code flows} table: the columns of
 * {@link FlowColumns#ALL} that inserts name, and their RowBinary encoding in the same order, both
 * derived from that one definition (the migrations create the same columns; a test holds them
 * together).
 *
 * <p>Absent text (null SNI, vendor, ...) is stored as '' (the columns are not Nullable: see
 * 001_flows.sql for why), addresses as IPv6 (IPv4 mapped to ::ffff:a.b.c.d; a host pseudonym as
 * '::', the pseudonym itself in src_pseudonym), times with microseconds. A canonical Community ID
 * ("1:" and base64 of a SHA-1) is stored as its 20 bytes and any other text as text (012_flows_compact.sql),
 * unless the row's own addresses, ports and transport give it back ({@code community_id_from_tuple},
 * 085): then neither. The table's {@code community_id} gives the text back in every case.
 */
public final class FlowRows {

  public static final String TABLE = "flows";

  private static final List<Column> INSERTED = FlowColumns.ALL.stream().filter(Column::inserted).toList();

  public static final List<String> COLUMNS = INSERTED.stream().map(Column::name).toList();

  /** '::', the address a pseudonymised host's row holds. */
  private static final java.net.InetAddress UNSPECIFIED = AddressLiterals.parse("::");

  /** One column's value of one record into the batch. */
  private interface ColumnEncoder {
    void write(RowBinaryWriter out, FlowRecord flow);
  }

  // Built once from the definition: per row only the accessors and the writer run, as in a
  // hand-written chain (no lookup, no allocation).
  private static final ColumnEncoder[] ENCODERS = INSERTED.stream().map(FlowRows::encoder).toArray(ColumnEncoder[]::new);

  private FlowRows() {}

  /** Appends one row; the order matches {@link #COLUMNS}. */
  public static void encode(RowBinaryWriter out, FlowRecord flow) {
    for (ColumnEncoder encoder : ENCODERS) {
      encoder.write(out, flow);
    }
  }

  private static ColumnEncoder encoder(Column column) {
    FlowColumns.Value value = column.value();
    if (value instanceof Count count) {
      var of = count.of();
      return switch (column.type()) {
        case UINT16 -> (out, flow) -> out.uint16((int) of.applyAsLong(flow));
        case UINT64 -> (out, flow) -> out.uint64(of.applyAsLong(flow));
        default -> throw unsupported(column);
      };
    }
    if (value instanceof Text text) {
      Function<FlowRecord, String> of = text.of();
      // LowCardinality(String) travels as a plain String in RowBinary.
      return (out, flow) -> out.string(orEmpty(of.apply(flow)));
    }
    if (value instanceof Address address) {
      Function<FlowRecord, String> of = address.of();
      return (out, flow) -> {
        String literal = of.apply(flow);
        if (FlowColumns.isPseudonym(literal)) {
          out.ipv6(UNSPECIFIED);
        } else {
          out.ipv6(literal);
        }
      };
    }
    if (value instanceof Time time) {
      var of = time.of();
      return (out, flow) -> out.dateTime64(of.apply(flow), 6);
    }
    if (value instanceof Flag flag) {
      var of = flag.of();
      return (out, flow) -> out.uint8(of.test(flow) ? 1 : 0);
    }
    if (value instanceof CommunityIdHash hash) {
      Function<FlowRecord, String> of = hash.of();
      return (out, flow) -> communityIdHash(out, of.apply(flow));
    }
    if (value instanceof CommunityIdOther other) {
      Function<FlowRecord, String> of = other.of();
      return (out, flow) -> {
        String text = of.apply(flow);
        out.string(text == null || FlowColumns.isCanonicalCommunityId(text) ? "" : text);
      };
    }
    if (value instanceof CommunityIdFromTuple fromTuple) {
      var of = fromTuple.of();
      return (out, flow) -> out.uint8(of.test(flow) ? 1 : 0);
    }
    throw unsupported(column);
  }

  /** The 20-byte SHA-1 a canonical Community ID's base64 spells; 20 zero bytes for any other text (or none). */
  private static void communityIdHash(RowBinaryWriter out, String text) {
    byte[] hash = HASH.get();
    if (FlowColumns.isCanonicalCommunityId(text)) {
      FlowColumns.communityIdHash(text, hash);
    } else {
      Arrays.fill(hash, (byte) 0);
    }
    out.fixedString(hash);
  }

  private static final ThreadLocal<byte[]> HASH = ThreadLocal.withInitial(() -> new byte[CommunityId.HASH_BYTES]);

  private static IllegalStateException unsupported(Column column) {
    return new IllegalStateException("flow column '" + column.name() + "': no RowBinary encoding for a "
        + column.value().getClass().getSimpleName() + " stored as " + column.type().sql());
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
