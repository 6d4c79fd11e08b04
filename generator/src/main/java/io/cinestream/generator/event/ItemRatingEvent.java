package io.cinestream.generator.event;

import io.cinestream.events.ItemRating;
import io.cinestream.schemas.Topic;
import java.time.Instant;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * A user rates a product they have just bought.
 *
 * @param eventId idempotency key
 * @param timestampMs event time, UTC ms
 * @param userId the acting user
 * @param itemId a product of the user's last checked-out cart
 * @param rating stars, 1..5
 */
public record ItemRatingEvent(UUID eventId, long timestampMs, int userId, String itemId, int rating)
    implements SimEvent {

  @Override
  public Topic topic() {
    return Topic.ITEM_RATING;
  }

  @Override
  public SpecificRecord toAvro() {
    return new ItemRating(
        eventId, Instant.ofEpochMilli(timestampMs), topic().topicName(), userId, itemId, rating);
  }

  @Override
  public void writeAvro(AvroBodyWriter out) {
    writeCommonAvroFields(out);
    out.writeString(itemId);
    out.writeInt(rating);
  }
}
