package io.cinestream.generator.event;

import io.cinestream.events.ConsumerRegistration;
import io.cinestream.events.PreferredLanguage;
import io.cinestream.schemas.Topic;
import java.time.Instant;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * A user registers; emitted exactly once per user, before any other event of that user.
 *
 * @param eventId idempotency key
 * @param timestampMs event time, UTC ms
 * @param userId 1..1,000,000, unique per user
 * @param age whole years, 18..95
 * @param maskedEmail {@code ****@<domain>}: the local part never leaves the process
 * @param language preferred UI language
 */
public record RegistrationEvent(
    UUID eventId,
    long timestampMs,
    int userId,
    int age,
    String maskedEmail,
    PreferredLanguage language)
    implements SimEvent {

  @Override
  public Topic topic() {
    return Topic.CONSUMER_REGISTRATION;
  }

  @Override
  public SpecificRecord toAvro() {
    return new ConsumerRegistration(
        eventId,
        Instant.ofEpochMilli(timestampMs),
        topic().topicName(),
        userId,
        age,
        maskedEmail,
        language);
  }

  @Override
  public void writeAvro(AvroBodyWriter out) {
    writeCommonAvroFields(out);
    out.writeInt(age);
    out.writeString(maskedEmail);
    out.writeEnum(language.ordinal());
  }
}
