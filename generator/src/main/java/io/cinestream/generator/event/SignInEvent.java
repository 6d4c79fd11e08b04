package io.cinestream.generator.event;

import io.cinestream.events.SignIn;
import io.cinestream.schemas.Topic;
import java.time.Instant;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * A user signs in, opening a session.
 *
 * @param eventId idempotency key
 * @param timestampMs event time, UTC ms
 * @param userId the acting user
 */
public record SignInEvent(UUID eventId, long timestampMs, int userId) implements SimEvent {

  @Override
  public Topic topic() {
    return Topic.SIGN_IN;
  }

  @Override
  public SpecificRecord toAvro() {
    return new SignIn(eventId, Instant.ofEpochMilli(timestampMs), topic().topicName(), userId);
  }

  @Override
  public void writeAvro(AvroBodyWriter out) {
    writeCommonAvroFields(out);
  }
}
