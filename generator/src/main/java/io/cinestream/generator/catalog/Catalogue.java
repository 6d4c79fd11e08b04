package io.cinestream.generator.catalog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The products the simulation draws from, in a fixed order (by item_id) so that a run does not
 * depend on the order its source delivered them in.
 */
public final class Catalogue {

  private final List<CatalogueItem> items;
  private final String source;
  private final int pricedCount;

  private Catalogue(List<CatalogueItem> items, String source) {
    this.items = items;
    this.source = source;
    this.pricedCount = (int) items.stream().filter(CatalogueItem::isPriced).count();
  }

  /**
   * Builds a catalogue of distinct products.
   *
   * @param items products with distinct item ids, in any order
   * @param source where they came from, for messages (a path or {@code topic X at host:port})
   * @return the catalogue, sorted by item id
   * @throws EmptyCatalogueException when {@code items} is empty
   * @throws IllegalArgumentException when an item id appears twice
   */
  public static Catalogue of(Collection<CatalogueItem> items, String source) {
    if (items.isEmpty()) {
      throw new EmptyCatalogueException(
          source,
          "Load it first (./pipeline catalog publishes movies_catalog_enriched) or pass"
              + " --catalog-file with a TSV of item_id, list_price_cents, title.");
    }
    List<CatalogueItem> sorted = new ArrayList<>(items);
    sorted.sort(Comparator.comparing(CatalogueItem::itemId));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).itemId().equals(sorted.get(i - 1).itemId())) {
        throw new IllegalArgumentException(
            "item_id " + sorted.get(i).itemId() + " appears twice in " + source);
      }
    }
    return new Catalogue(List.copyOf(sorted), source);
  }

  /** The products, sorted by item id. */
  public List<CatalogueItem> items() {
    return items;
  }

  /** Number of products. */
  public int size() {
    return items.size();
  }

  /** Number of products with a list price. */
  public int pricedCount() {
    return pricedCount;
  }

  /** Where the catalogue was read from. */
  public String source() {
    return source;
  }
}
