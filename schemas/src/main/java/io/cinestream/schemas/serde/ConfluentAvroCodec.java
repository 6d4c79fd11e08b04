package io.cinestream.schemas.serde;

import io.cinestream.schemas.serde.WireFormatException.Reason;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SystemLimitException;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes Avro records in the Confluent Schema Registry wire format.
 *
 * <p>Layout (Confluent documentation, "Wire format"): byte 0 = magic byte {@code 0}; bytes 1-4 =
 * schema id, big-endian signed int; bytes 5.. = the Avro binary encoding of the record with that
 * writer schema. Decoding resolves the writer schema (fetched by id, cached) against the reader
 * schema with Avro's schema-resolution rules, so BACKWARD-compatible evolution just works. A writer
 * schema those rules cannot resolve to the reader class (Avro specification, "Schema Resolution":
 * another record name without an alias, a new reader field without a default, a type change) is
 * refused as {@code INCOMPATIBLE_SCHEMA} before the body is read.
 *
 * <p>Thread-safe: readers and writers are cached per schema; the encoder and its output buffer are
 * per thread, decoders are per call.
 */
public final class ConfluentAvroCodec {

  /** The Confluent wire-format magic byte. */
  public static final byte MAGIC_BYTE = 0;

  /** Magic byte + 4-byte schema id. */
  public static final int HEADER_LENGTH = 5;

  private final SchemaRegistryClient registry;
  private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();
  private final Map<ReaderKey, DatumReader<?>> readers = new ConcurrentHashMap<>();

  private record ReaderKey(int writerId, Schema reader, boolean specific) {}

  /**
   * Per-thread encoding buffers: serialize is on the producer's hot path (one call per event), so
   * the output buffer and Avro's buffered encoder are reused instead of allocated per record.
   */
  private static final ThreadLocal<EncodeBuffers> ENCODE_BUFFERS =
      ThreadLocal.withInitial(EncodeBuffers::new);

  private static final class EncodeBuffers {
    final GrowableBytes bytes = new GrowableBytes();
    BinaryEncoder encoder;
  }

  /** An unsynchronized, reusable byte sink (ByteArrayOutputStream locks on every write). */
  private static final class GrowableBytes extends OutputStream {
    private byte[] buf = new byte[256];
    private int count;

    void reset() {
      count = 0;
    }

    @Override
    public void write(int b) {
      ensure(1);
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, count);
    }

    private void ensure(int extra) {
      if (count + extra > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + extra));
      }
    }
  }

  /**
   * @param registry where schemas are registered on write and fetched by id on read
   * @throws IllegalStateException when Avro's decoding limits cannot be put in force ({@link
   *     AvroDecodingLimits#apply()}): a codec that an Avro length bomb could crash is never built
   */
  public ConfluentAvroCodec(SchemaRegistryClient registry) {
    AvroDecodingLimits.apply();
    this.registry = registry;
  }

  /**
   * Registers the record's schema under {@code subject} (once per schema, cached) and encodes the
   * record.
   *
   * @param subject registry subject, e.g. {@code sign_in-value}
   * @param record a generated specific record or a {@link GenericRecord}
   * @return magic byte, schema id, Avro binary
   * @throws RegistryException when the registry refuses the schema or cannot be reached
   * @throws org.apache.avro.AvroRuntimeException when the record does not match its own schema
   *     (e.g. a required field left null)
   */
  public byte[] serialize(String subject, GenericContainer record) {
    Schema schema = record.getSchema();
    int id = registry.register(subject, schema);
    EncodeBuffers buffers = ENCODE_BUFFERS.get();
    GrowableBytes out = buffers.bytes;
    out.reset();
    out.write(MAGIC_BYTE);
    out.write(id >>> 24);
    out.write(id >>> 16);
    out.write(id >>> 8);
    out.write(id);
    if (buffers.encoder == null) {
      // Always the same stream, and the encoder is flushed empty after every record: configuring
      // it again per record would only allocate a new sink (Channels.newChannel) each time.
      buffers.encoder = EncoderFactory.get().binaryEncoder(out, null);
    }
    boolean encoded = false;
    try {
      writerFor(record).write(record, buffers.encoder);
      buffers.encoder.flush();
      encoded = true;
    } catch (IOException e) {
      throw new AvroRuntimeException("cannot encode record of " + schema.getFullName(), e);
    } finally {
      if (!encoded) {
        // A record that failed half-way may have left bytes in the encoder's buffer: drop it so
        // that they cannot leak into the next record.
        buffers.encoder = null;
      }
    }
    return out.toByteArray();
  }

  /**
   * Decodes a payload into the generated class {@code type}, resolving the writer schema against
   * {@code type}'s schema.
   *
   * @param where the record's Kafka coordinates, used in errors
   * @param payload the record value (wire format)
   * @param type the generated Avro class to read into
   * @return the decoded record
   * @throws WireFormatException naming {@code where} and the reason: null or short payload, wrong
   *     magic byte, unknown schema id, undecodable Avro, incompatible writer schema, registry down
   */
  public <T extends SpecificRecord> T deserialize(
      RecordCoordinates where, byte[] payload, Class<T> type) {
    Schema reader = SpecificData.get().getSchema(type);
    return type.cast(decode(where, payload, reader, true));
  }

  /**
   * Decodes a payload into a {@link GenericRecord} of its writer schema.
   *
   * @throws WireFormatException as {@link #deserialize(RecordCoordinates, byte[], Class)}
   */
  public GenericRecord deserializeGeneric(RecordCoordinates where, byte[] payload) {
    return (GenericRecord) decode(where, payload, null, false);
  }

  /**
   * Reads the schema id of a payload without decoding the body.
   *
   * @throws WireFormatException TRUNCATED or BAD_MAGIC_BYTE
   */
  public static int schemaId(RecordCoordinates where, byte[] payload) {
    if (payload == null || payload.length < HEADER_LENGTH) {
      throw new WireFormatException(
          Reason.TRUNCATED,
          where,
          payload == null
              ? "null payload"
              : payload.length + " bytes, shorter than the 5-byte header",
          null);
    }
    if (payload[0] != MAGIC_BYTE) {
      throw new WireFormatException(
          Reason.BAD_MAGIC_BYTE,
          where,
          String.format("magic byte 0x%02x, expected 0x00", payload[0] & 0xff),
          null);
    }
    return ByteBuffer.wrap(payload, 1, 4).getInt();
  }

  private Object decode(RecordCoordinates where, byte[] payload, Schema reader, boolean specific) {
    int id = schemaId(where, payload);
    Schema writer;
    try {
      writer = registry.getById(id);
    } catch (RegistryException e) {
      Reason reason = e.isNotFound() ? Reason.UNKNOWN_SCHEMA_ID : Reason.REGISTRY_UNAVAILABLE;
      throw new WireFormatException(reason, where, "schema id " + id + ": " + e.getMessage(), e);
    }
    DatumReader<?> datumReader;
    try {
      datumReader =
          readers.computeIfAbsent(
              new ReaderKey(id, reader, specific),
              k -> {
                if (specific) {
                  requireResolvable(where, id, writer, reader);
                  return new SpecificDatumReader<>(writer, reader);
                }
                return new GenericDatumReader<>(writer, writer, genericModel());
              });
    } catch (AvroRuntimeException e) {
      throw new WireFormatException(
          Reason.INCOMPATIBLE_SCHEMA, where, "writer schema id " + id + ": " + e.getMessage(), e);
    }
    BinaryDecoder decoder =
        DecoderFactory.get()
            .binaryDecoder(payload, HEADER_LENGTH, payload.length - HEADER_LENGTH, null);
    Object value;
    try {
      value = datumReader.read(null, decoder);
    } catch (EOFException e) {
      throw new WireFormatException(
          Reason.TRUNCATED, where, "Avro body ends early (schema id " + id + ")", e);
    } catch (SystemLimitException | UnsupportedOperationException e) {
      // Avro refuses a length over the VM's array limit with UnsupportedOperationException, and
      // one over the configured limits with SystemLimitException, both before allocating.
      throw new WireFormatException(
          Reason.TOO_LARGE,
          where,
          "schema id "
              + id
              + ", a "
              + payload.length
              + "-byte payload: "
              + e.getMessage()
              + " (limits: "
              + AvroDecodingLimits.describe()
              + ")",
          e);
    } catch (AvroTypeException e) {
      throw new WireFormatException(
          Reason.INCOMPATIBLE_SCHEMA, where, "schema id " + id + ": " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new WireFormatException(
          Reason.BAD_AVRO, where, "schema id " + id + ": " + e.getMessage(), e);
    }
    try {
      if (!decoder.isEnd()) {
        throw new WireFormatException(
            Reason.BAD_AVRO,
            where,
            "trailing bytes after the Avro record (schema id " + id + ")",
            null);
      }
    } catch (IOException e) {
      throw new WireFormatException(Reason.BAD_AVRO, where, e.getMessage(), e);
    }
    return value;
  }

  /**
   * Checks the Avro specification's resolution rules, record names included, before a reader is
   * built: Avro's Java resolver does not compare record names, so without this check a payload of
   * another record type with the same field layout (a {@code SignOut} under the schema id of {@code
   * sign_out}, read as a {@code SignIn}) would decode into the wrong class without an error.
   *
   * @throws WireFormatException INCOMPATIBLE_SCHEMA naming both schemas and Avro's first finding
   */
  private static void requireResolvable(
      RecordCoordinates where, int id, Schema writer, Schema reader) {
    SchemaCompatibility.SchemaPairCompatibility check =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (check.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      List<SchemaCompatibility.Incompatibility> found = check.getResult().getIncompatibilities();
      String first =
          found.isEmpty()
              ? check.getDescription()
              : found.get(0).getType()
                  + " at "
                  + found.get(0).getLocation()
                  + ": "
                  + found.get(0).getMessage();
      throw new WireFormatException(
          Reason.INCOMPATIBLE_SCHEMA,
          where,
          "writer schema id "
              + id
              + " ("
              + writer.getFullName()
              + ") cannot be read as "
              + reader.getFullName()
              + ": "
              + first,
          null);
    }
  }

  @SuppressWarnings("unchecked")
  private DatumWriter<Object> writerFor(GenericContainer record) {
    return writers.computeIfAbsent(
        record.getSchema(),
        schema ->
            record instanceof SpecificRecord
                ? (DatumWriter<Object>) (DatumWriter<?>) new SpecificDatumWriter<>(schema)
                : new GenericDatumWriter<>(schema, genericModel()));
  }

  private static GenericData genericModel() {
    return GenericData.get();
  }
}
