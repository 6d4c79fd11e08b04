package io.cinestream.generator.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A user's open shopping cart: created by the first add-to-cart, its id reused for every later add
 * until it is checked out (docs/architecture.md#topics-and-schemas). A user has at most one open
 * cart; an abandoned cart simply stays open and collects the next session's adds.
 */
public final class Cart {

  private final UUID id;
  private final List<String> items = new ArrayList<>();
  private boolean open = true;

  /**
   * @param id the cart_id, drawn from the run's seeded id stream
   */
  public Cart(UUID id) {
    this.id = Objects.requireNonNull(id);
  }

  /** The cart_id. */
  public UUID id() {
    return id;
  }

  /**
   * Adds one unit of a priced item.
   *
   * @throws IllegalStateException when the cart was already checked out
   */
  public void add(String itemId) {
    if (!open) {
      throw new IllegalStateException("cart " + id + " is checked out");
    }
    items.add(itemId);
  }

  /**
   * Closes the cart.
   *
   * @return the item ids added, one per unit, in order
   * @throws IllegalStateException when the cart is empty or already checked out: a checkout needs
   *     an existing open cart (docs/architecture.md#topics-and-schemas)
   */
  public List<String> checkOut() {
    if (!open || items.isEmpty()) {
      throw new IllegalStateException("cart " + id + " cannot be checked out");
    }
    open = false;
    return Collections.unmodifiableList(items);
  }

  /** Whether the cart is still open. */
  public boolean isOpen() {
    return open;
  }

  /** Units in the cart. */
  public int size() {
    return items.size();
  }
}
