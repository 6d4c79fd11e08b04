package io.cinestream.generator.catalog;

import java.util.Objects;

/**
 * One product the simulated users can see.
 *
 * @param itemId the stable product key of {@code movies_catalog_enriched}
 * @param listPriceCents list price in integer cents, or null for an unpriced product (which can be
 *     viewed and never added to a cart)
 * @param title display title, for logs only
 */
public record CatalogueItem(String itemId, Long listPriceCents, String title) {

  /**
   * @throws IllegalArgumentException when the id is blank or the price negative
   */
  public CatalogueItem {
    Objects.requireNonNull(itemId, "itemId");
    if (itemId.isBlank()) {
      throw new IllegalArgumentException("blank item_id");
    }
    if (listPriceCents != null && listPriceCents < 0) {
      throw new IllegalArgumentException("negative price for " + itemId);
    }
  }

  /**
   * Whether the item has a list price and so may go into a cart
   * (docs/operations.md#events-the-generator).
   */
  public boolean isPriced() {
    return listPriceCents != null;
  }
}
