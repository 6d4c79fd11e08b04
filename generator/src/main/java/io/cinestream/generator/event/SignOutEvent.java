package io.cinestream.generator.event;

import io.cinestream.events.SignOut;
import io.cinestream.schemas.Topic;
import java.time.Instant;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * A user signs out, closing the open session; or, when asked for ({@code --orphan-sign-out-rate}),
 * a deliberate orphan sent while no session of the user is open.
 *
 * @param eventId idempotency key
 * @param timestampMs event time, UTC ms
 * @param userId the acting user
 */
public record SignOutEvent(UUID eventId, long timestampMs, int userId) implements SimEvent {

  @Override
  public Topic topic() {
    return Topic.SIGN_OUT;
  }

  @Override
  public SpecificRecord toAvro() {
    return new SignOut(eventId, Instant.ofEpochMilli(timestampMs), topic().topicName(), userId);
  }

  @Override
  public void writeAvro(AvroBodyWriter out) {
    writeCommonAvroFields(out);
  }
}
