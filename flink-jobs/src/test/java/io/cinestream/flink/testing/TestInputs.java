package io.cinestream.flink.testing;

import io.cinestream.flink.model.CatalogPrice;
import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.Event;
import io.cinestream.testsupport.fixtures.MetricScenarios.CatalogEntry;
import io.cinestream.testsupport.fixtures.MetricScenarios.InputEvent;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.connector.datagen.functions.FromElementsGeneratorFunction;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.types.Either;

/** Bounded test sources built from the plain-Java fixtures, in the fixtures' arrival order. */
public final class TestInputs {

  /** The type the event sources produce. */
  public static final TypeInformation<Either<DeadLetter, Event>> EVENT_TYPE =
      new EitherTypeInfo<>(TypeInformation.of(DeadLetter.class), TypeInformation.of(Event.class));

  /** The type the catalogue source produces. */
  public static final TypeInformation<Either<DeadLetter, CatalogPrice>> CATALOG_TYPE =
      new EitherTypeInfo<>(
          TypeInformation.of(DeadLetter.class), TypeInformation.of(CatalogPrice.class));

  private TestInputs() {}

  /** The job-side form of a fixture event. */
  public static Event toEvent(InputEvent e) {
    return Event.of(
        e.topic(), e.eventId(), e.eventTime().toEpochMilli(), e.userId(), e.itemId(), e.cartId());
  }

  /** Decoded events, in order. */
  public static List<Either<DeadLetter, Event>> decoded(List<InputEvent> events) {
    return events.stream().map(e -> Either.<DeadLetter, Event>Right(toEvent(e))).toList();
  }

  /** Catalogue entries as decoded prices. */
  public static List<Either<DeadLetter, CatalogPrice>> prices(List<CatalogEntry> entries) {
    return entries.stream()
        .map(
            c ->
                Either.<DeadLetter, CatalogPrice>Right(
                    new CatalogPrice(c.itemId(), c.listPriceCents())))
        .toList();
  }

  /**
   * A bounded source emitting {@code elements} in order (run it at parallelism 1 to keep the
   * order), then ending, which moves the watermark to +infinity.
   */
  public static <T> DataGeneratorSource<T> source(List<T> elements, TypeInformation<T> type) {
    return source(elements, type, RateLimiterStrategy.noOp());
  }

  /** As {@link #source(List, TypeInformation)}, paced by {@code limiter}. */
  public static <T> DataGeneratorSource<T> source(
      List<T> elements, TypeInformation<T> type, RateLimiterStrategy<?> limiter) {
    @SuppressWarnings({"unchecked", "rawtypes"})
    RateLimiterStrategy raw = limiter;
    return new DataGeneratorSource<>(
        new FromElementsGeneratorFunction<>(type, new ExecutionConfig(), elements),
        elements.size(),
        raw,
        type);
  }
}
