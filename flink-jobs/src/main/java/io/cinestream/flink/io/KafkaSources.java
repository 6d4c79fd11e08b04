package io.cinestream.flink.io;

import io.cinestream.flink.JobOptions;
import io.cinestream.flink.model.CatalogPrice;
import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.Event;
import io.cinestream.schemas.TickSignature;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.serde.SchemaRegistryClientFactory;
import java.time.Clock;
import java.util.Arrays;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.types.Either;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The production Kafka sources: start from the committed group offsets (earliest when none), commit
 * offsets on checkpoints, and with {@code --bounded} stop at the end offsets present at start.
 */
public final class KafkaSources {

  private KafkaSources() {}

  /**
   * A source of decoded events from one or more event topics.
   *
   * @param options bootstrap, registry, group id, boundedness
   * @param jobName used for the default consumer group
   * @param topics the event topics to read, e.g. sign_in and sign_out; watermark ticks are taken
   *     only with a valid signature for the key in {@code CINESTREAM_TICK_KEY_FILE} ({@link
   *     TickSignature})
   */
  public static KafkaSource<Either<DeadLetter, Event>> events(
      JobOptions options, String jobName, Topic... topics) {
    KafkaSourceBuilder<Either<DeadLetter, Event>> builder =
        KafkaSource.<Either<DeadLetter, Event>>builder()
            .setDeserializer(
                new EventDeserializer(
                    SchemaRegistryClientFactory.forUrl(options.registry()),
                    // Read where main runs (the client or the JobManager) and shipped with the job.
                    TickSignature.keyFromEnvironment(System.getenv()),
                    Clock.systemUTC(),
                    options.maxEventTimeAhead()))
            .setTopics(Arrays.stream(topics).map(Topic::topicName).toList());
    return configure(builder, options, jobName).build();
  }

  /**
   * A source of the catalogue prices ({@code movies_catalog_enriched}), always from the earliest
   * offset: the compacted topic is the whole catalogue.
   */
  public static KafkaSource<Either<DeadLetter, CatalogPrice>> catalog(
      JobOptions options, String jobName) {
    KafkaSourceBuilder<Either<DeadLetter, CatalogPrice>> builder =
        KafkaSource.<Either<DeadLetter, CatalogPrice>>builder()
            .setDeserializer(
                new CatalogDeserializer(SchemaRegistryClientFactory.forUrl(options.registry())))
            .setTopics(Topic.MOVIES_CATALOG_ENRICHED.topicName());
    configure(builder, options, jobName + "-catalog");
    builder.setStartingOffsets(OffsetsInitializer.earliest());
    return builder.build();
  }

  // committedOffsets(OffsetResetStrategy) is the connector's only way to say "earliest when the
  // group has no offsets"; Kafka 4 deprecated the enum, the connector has no replacement yet.
  @SuppressWarnings("deprecation")
  private static <T> KafkaSourceBuilder<T> configure(
      KafkaSourceBuilder<T> builder, JobOptions options, String groupSuffix) {
    builder
        .setBootstrapServers(options.bootstrap())
        .setGroupId(options.groupIdFor(groupSuffix))
        .setStartingOffsets(
            OffsetsInitializer.committedOffsets(
                org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST))
        .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .setProperty("commit.offsets.on.checkpoint", "true");
    if (options.bounded()) {
      builder.setBounded(OffsetsInitializer.latest());
    }
    return builder;
  }
}
