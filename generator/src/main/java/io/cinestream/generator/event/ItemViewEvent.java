package io.cinestream.generator.event;

import io.cinestream.events.ItemView;
import io.cinestream.schemas.Topic;
import java.time.Instant;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * A user views a product page.
 *
 * @param eventId idempotency key
 * @param timestampMs event time, UTC ms
 * @param userId the acting user
 * @param itemId catalogue key of the viewed product
 */
public record ItemViewEvent(UUID eventId, long timestampMs, int userId, String itemId)
    implements SimEvent {

  @Override
  public Topic topic() {
    return Topic.ITEM_VIEW;
  }

  @Override
  public SpecificRecord toAvro() {
    return new ItemView(
        eventId, Instant.ofEpochMilli(timestampMs), topic().topicName(), userId, itemId);
  }

  @Override
  public void writeAvro(AvroBodyWriter out) {
    writeCommonAvroFields(out);
    out.writeString(itemId);
  }
}
