package io.agentwatch.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding of one record type: {@code C3 01}, the 8-byte CRC-64-AVRO fingerprint
 * of the writer schema (little endian), then the binary record. Every message on the wire carries
 * the fingerprint, so a reader can tell schema versions apart and reject what it does not know.
 *
 * <p>Thread-safe: Avro's message encoder and decoder keep their buffers per thread.
 */
public final class SingleObjectCodec<T extends SpecificRecord> {

  static {
    SchemaTrust.ensure();
  }

  private static final byte[] MAGIC = {(byte) 0xC3, (byte) 0x01};
  private static final int HEADER_LENGTH = MAGIC.length + Long.BYTES;

  private final Schema schema;
  private final long fingerprint;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  // The generated classes' own encoder and decoder carry their data model (with the logical-type
  // conversions), so nothing here has to look classes up by name.
  private SingleObjectCodec(Schema schema, BinaryMessageEncoder<T> encoder, BinaryMessageDecoder<T> decoder) {
    this.schema = schema;
    this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
    this.encoder = encoder;
    this.decoder = decoder;
  }

  /** Earlier FlowRecord versions still readable (sensors are upgraded one by one), oldest first. */
  static final List<String> FLOW_RECORD_HISTORY = List.of("/avro-history/FlowRecord-1.avsc", "/avro-history/FlowRecord-2.avsc",
      "/avro-history/FlowRecord-3.avsc");

  public static SingleObjectCodec<FlowRecord> flowRecords() {
    BinaryMessageDecoder<FlowRecord> decoder = FlowRecord.createDecoder(null);
    history(FLOW_RECORD_HISTORY).forEach(decoder::addSchema);
    return new SingleObjectCodec<>(FlowRecord.getClassSchema(), FlowRecord.getEncoder(), decoder);
  }

  /** Writer schemas of earlier versions, from the resources where each released version is kept. */
  static List<Schema> history(List<String> resources) {
    List<Schema> schemas = new ArrayList<>();
    for (String resource : resources) {
      try (InputStream in = SingleObjectCodec.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("schema history " + resource + " is missing from the classpath");
        }
        schemas.add(new Schema.Parser().parse(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read schema history " + resource, e);
      }
    }
    return schemas;
  }

  public static SingleObjectCodec<HostVendorWindow> hostVendorWindows() {
    return new SingleObjectCodec<>(
        HostVendorWindow.getClassSchema(), HostVendorWindow.getEncoder(), HostVendorWindow.getDecoder());
  }

  /** Earlier ExposureAlert versions still readable (alerts stay on the topic across an upgrade), oldest first. */
  static final List<String> EXPOSURE_ALERT_HISTORY = List.of("/avro-history/ExposureAlert-1.avsc");

  /** Alerts on the alerts topic; records of version 1 read with the later fields at their defaults. */
  public static SingleObjectCodec<ExposureAlert> exposureAlerts() {
    BinaryMessageDecoder<ExposureAlert> decoder = ExposureAlert.createDecoder(null);
    history(EXPOSURE_ALERT_HISTORY).forEach(decoder::addSchema);
    return new SingleObjectCodec<>(ExposureAlert.getClassSchema(), ExposureAlert.getEncoder(), decoder);
  }

  /** Per-host per-minute totals of the traffic a sensor does not send as flow records. */
  public static SingleObjectCodec<HostTrafficMinute> hostTrafficMinutes() {
    return new SingleObjectCodec<>(
        HostTrafficMinute.getClassSchema(), HostTrafficMinute.getEncoder(), HostTrafficMinute.getDecoder());
  }

  /** The effective endpoint catalog on the catalog topic (one record, compacted). */
  public static SingleObjectCodec<PublishedCatalog> publishedCatalogs() {
    return new SingleObjectCodec<>(
        PublishedCatalog.getClassSchema(), PublishedCatalog.getEncoder(), PublishedCatalog.getDecoder());
  }

  public Schema schema() {
    return schema;
  }

  /** The fingerprint this codec writes, as found in bytes 2..9 of every message. */
  public long fingerprint() {
    return fingerprint;
  }

  /**
   * Whether {@code message} carries this codec's writer fingerprint (bytes 2..9), without decoding
   * it: a sender that carries several record types can route each message by what it is.
   */
  public boolean wrote(byte[] message) {
    if (message.length < HEADER_LENGTH || message[0] != MAGIC[0] || message[1] != MAGIC[1]) {
      return false;
    }
    long fp = 0;
    for (int i = HEADER_LENGTH - 1; i >= MAGIC.length; i--) {
      fp = (fp << 8) | (message[i] & 0xFF);
    }
    return fp == fingerprint;
  }

  public byte[] encode(T record) {
    try {
      ByteBuffer buffer = encoder.encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + schema.getName(), e);
    }
  }

  /**
   * Decodes one message.
   *
   * @throws MalformedMessageException when the bytes are not a single-object message of a known
   *     schema version; the message names the fingerprint found
   */
  public T decode(byte[] message) throws MalformedMessageException {
    try {
      return decoder.decode(message);
    } catch (BadHeaderException e) {
      throw new MalformedMessageException(
          "not an Avro single-object message (" + describeHeader(message) + ")", e);
    } catch (MissingSchemaException e) {
      throw new MalformedMessageException(
          "unknown writer schema fingerprint " + fingerprintHex(message) + " for " + schema.getName()
              + "; this reader knows " + String.format("%016x", fingerprint()), e);
    } catch (IOException | RuntimeException e) {
      throw new MalformedMessageException(
          "corrupt " + schema.getName() + " message of " + message.length + " bytes: " + e.getMessage(), e);
    }
  }

  /** The writer-schema fingerprint of a message, or an explanation when it has none. */
  static String fingerprintHex(byte[] message) {
    if (message.length < HEADER_LENGTH) {
      return "(message shorter than the " + HEADER_LENGTH + "-byte header)";
    }
    long fp = ByteBuffer.wrap(message, MAGIC.length, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
    return String.format("%016x", fp);
  }

  private static String describeHeader(byte[] message) {
    int n = Math.min(message.length, 2);
    return message.length == 0 ? "empty" : "starts with " + HexFormat.of().formatHex(message, 0, n);
  }

  /** A message that cannot be decoded: counted and skipped by readers, never fatal. */
  public static final class MalformedMessageException extends Exception {
    MalformedMessageException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
