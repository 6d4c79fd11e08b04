package io.cinestream.generator.event;

import io.cinestream.events.AddedToCart;
import io.cinestream.schemas.Topic;
import java.time.Instant;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * A user adds one unit of a priced product to their open cart.
 *
 * @param eventId idempotency key
 * @param timestampMs event time, UTC ms
 * @param userId the acting user
 * @param itemId catalogue key of a product with a list price
 * @param cartId the user's open cart, the same until it is checked out
 */
public record AddedToCartEvent(
    UUID eventId, long timestampMs, int userId, String itemId, UUID cartId) implements SimEvent {

  @Override
  public Topic topic() {
    return Topic.ADDED_TO_CART;
  }

  @Override
  public SpecificRecord toAvro() {
    return new AddedToCart(
        eventId, Instant.ofEpochMilli(timestampMs), topic().topicName(), userId, itemId, cartId);
  }

  @Override
  public void writeAvro(AvroBodyWriter out) {
    writeCommonAvroFields(out);
    out.writeString(itemId);
    out.writeUuid(cartId);
  }
}
