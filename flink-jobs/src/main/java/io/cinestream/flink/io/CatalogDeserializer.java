package io.cinestream.flink.io;

import io.cinestream.events.MovieCatalogEnriched;
import io.cinestream.flink.model.CatalogPrice;
import io.cinestream.schemas.serde.ConfluentAvroCodec;
import io.cinestream.schemas.serde.RecordCoordinates;
import io.cinestream.schemas.serde.SchemaRegistryClientFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Decodes {@code movies_catalog_enriched} records into {@link CatalogPrice} (item_id,
 * list_price_cents). Tombstones of the compacted topic are skipped.
 */
public final class CatalogDeserializer extends ConfluentRecordDeserializer<CatalogPrice> {

  private static final long serialVersionUID = 1L;

  /**
   * @param registry creates the registry client in {@code open}
   */
  public CatalogDeserializer(SchemaRegistryClientFactory registry) {
    super(registry, null);
  }

  @Override
  protected CatalogPrice decode(ConfluentAvroCodec codec, RecordCoordinates where, byte[] payload) {
    MovieCatalogEnriched m = codec.deserialize(where, payload, MovieCatalogEnriched.class);
    return new CatalogPrice(m.getItemId(), m.getListPriceCents());
  }

  @Override
  protected boolean skipTombstones() {
    return true;
  }

  @Override
  protected TypeInformation<CatalogPrice> valueType() {
    return TypeInformation.of(CatalogPrice.class);
  }
}
