package io.cinestream.generator.event;

import io.cinestream.events.CheckoutToCart;
import io.cinestream.events.PaymentMethod;
import io.cinestream.schemas.Topic;
import java.time.Instant;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * A user checks out their open cart, which closes it.
 *
 * @param eventId idempotency key
 * @param timestampMs event time, UTC ms
 * @param userId the acting user
 * @param cartId an open cart of this user holding at least one item
 * @param paymentMethod Cash or Card
 */
public record CheckoutEvent(
    UUID eventId, long timestampMs, int userId, UUID cartId, PaymentMethod paymentMethod)
    implements SimEvent {

  @Override
  public Topic topic() {
    return Topic.CHECKOUT_TO_CART;
  }

  @Override
  public SpecificRecord toAvro() {
    return new CheckoutToCart(
        eventId,
        Instant.ofEpochMilli(timestampMs),
        topic().topicName(),
        userId,
        cartId,
        paymentMethod);
  }

  @Override
  public void writeAvro(AvroBodyWriter out) {
    writeCommonAvroFields(out);
    out.writeUuid(cartId);
    out.writeEnum(paymentMethod.ordinal());
  }
}
