package io.cinestream.flink.io;

import io.cinestream.flink.model.DeadLetter;
import io.cinestream.schemas.EventValues;
import io.cinestream.schemas.TickSignature;
import io.cinestream.schemas.WatermarkTick;
import io.cinestream.schemas.serde.ConfluentAvroCodec;
import io.cinestream.schemas.serde.DeadLetterText;
import io.cinestream.schemas.serde.RecordCoordinates;
import io.cinestream.schemas.serde.SchemaRegistryClientFactory;
import io.cinestream.schemas.serde.WireFormatException;
import java.io.IOException;
import java.util.Base64;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes Kafka records in the Confluent wire format (docs/architecture.md#topics-and-schemas) with
 * our own {@link ConfluentAvroCodec}, never dropping a record: a decodable value becomes {@code
 * Right(T)}, an undecodable one {@code Left(DeadLetter)} with its coordinates, raw bytes (base64)
 * and the reason, for the job to route to a side output.
 *
 * <p>A {@linkplain WatermarkTick watermark tick} (null value with the tick header) is no record to
 * decode: when its signature ({@link TickSignature}) is valid for the tick key, it becomes {@code
 * Right(}{@link #watermarkTick}{@code )} when the value type has a tick form, so that it reaches
 * the source's watermark assigner, and is skipped otherwise. A tick with a missing or wrong
 * signature (or read without a tick key) is a dead letter with reason {@value
 * TickSignature#INVALID_TICK_SIGNATURE}, never a watermark. A null value without the header is
 * undecodable like any bad payload.
 *
 * <p>A registry that cannot be reached is not a property of the record: it raises an {@link
 * IOException} so the job fails and the restart strategy retries, instead of dead-lettering good
 * records. Any other exception while decoding one record is a dead letter with reason {@value
 * DeadLetterText#DECODE_FAILED} (the Spark decoder's catch-all, the same text).
 *
 * @param <T> the decoded value type
 */
public abstract class ConfluentRecordDeserializer<T>
    implements KafkaRecordDeserializationSchema<Either<DeadLetter, T>> {

  private static final long serialVersionUID = 1L;

  private final SchemaRegistryClientFactory registry;
  private final byte[] tickKey;
  private transient ConfluentAvroCodec codec;

  /**
   * @param registry creates the registry client in {@link #open}
   * @param tickKey the key tick signatures are checked with ({@link TickSignature}), or null: then
   *     every tick is a dead letter
   */
  protected ConfluentRecordDeserializer(SchemaRegistryClientFactory registry, byte[] tickKey) {
    this.registry = registry;
    this.tickKey = tickKey == null ? null : tickKey.clone();
  }

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    codec = new ConfluentAvroCodec(registry.create());
  }

  /**
   * Decodes one record.
   *
   * @param record the Kafka record (key and value as bytes)
   * @param out receives exactly one element per record (nothing for a compacted-topic tombstone or
   *     a tick the value type has no form for)
   * @throws IOException when the schema registry is unreachable
   */
  @Override
  public void deserialize(
      ConsumerRecord<byte[], byte[]> record, Collector<Either<DeadLetter, T>> out)
      throws IOException {
    if (codec == null) {
      open(null);
    }
    RecordCoordinates where =
        new RecordCoordinates(record.topic(), record.partition(), record.offset());
    if (WatermarkTick.isTick(record.value(), record.headers())) {
      byte[] signature = TickSignature.signatureOf(record.headers());
      if (!TickSignature.verify(
          tickKey, record.topic(), record.partition(), record.timestamp(), signature)) {
        out.collect(Either.Left(deadLetter(record, TickSignature.invalidReason(where, signature))));
        return;
      }
      T tick = watermarkTick(record.topic(), record.timestamp());
      if (tick != null) {
        out.collect(Either.Right(tick));
      }
      return;
    }
    if (record.value() == null && skipTombstones()) {
      return;
    }
    try {
      out.collect(Either.Right(decode(codec, where, record.value())));
    } catch (WireFormatException e) {
      if (e.reason() == WireFormatException.Reason.REGISTRY_UNAVAILABLE) {
        throw new IOException("schema registry unavailable while decoding " + where, e);
      }
      out.collect(Either.Left(deadLetter(record, DeadLetterText.error(e))));
    } catch (EventValues.ImplausibleValueException e) {
      out.collect(
          Either.Left(
              deadLetter(
                  record, DeadLetterText.error(EventValues.INVALID_VALUE, where, e.getMessage()))));
    } catch (RuntimeException e) {
      out.collect(Either.Left(deadLetter(record, DeadLetterText.error(where, e))));
    }
  }

  /** True when null values (compacted-topic deletes) are skipped rather than dead-lettered. */
  protected boolean skipTombstones() {
    return false;
  }

  /**
   * The element a watermark tick becomes. Default: none (the tick is skipped).
   *
   * @param topic the topic the tick was read from
   * @param eventTimeMs the tick's event time: its Kafka record timestamp, UTC ms since the epoch
   * @return the tick's element, or null to skip it
   */
  protected T watermarkTick(String topic, long eventTimeMs) {
    return null;
  }

  /**
   * Decodes a payload into the value type.
   *
   * @throws WireFormatException when the payload is not a valid record of the topic's schema
   * @throws IllegalArgumentException when the topic is not one this deserializer reads
   */
  protected abstract T decode(ConfluentAvroCodec codec, RecordCoordinates where, byte[] payload);

  /** The value type's Flink type information. */
  protected abstract TypeInformation<T> valueType();

  @Override
  public TypeInformation<Either<DeadLetter, T>> getProducedType() {
    return new EitherTypeInfo<>(TypeInformation.of(DeadLetter.class), valueType());
  }

  private static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record, String error) {
    return new DeadLetter(
        record.topic(),
        record.partition(),
        record.offset(),
        DeadLetterText.key(record.key()),
        record.value() == null ? null : Base64.getEncoder().encodeToString(record.value()),
        DeadLetterText.error(error));
  }
}
