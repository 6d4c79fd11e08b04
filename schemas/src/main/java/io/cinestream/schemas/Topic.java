package io.cinestream.schemas;

import io.cinestream.events.AddedToCart;
import io.cinestream.events.CheckoutToCart;
import io.cinestream.events.ConsumerRegistration;
import io.cinestream.events.ItemRating;
import io.cinestream.events.ItemView;
import io.cinestream.events.MovieCatalogEnriched;
import io.cinestream.events.SignIn;
import io.cinestream.events.SignOut;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * The topic catalogue of docs/architecture.md#topics-and-schemas: one topic per event type, named
 * after its {@code event_name}, plus the compacted catalogue topic.
 *
 * <p>Each constant fixes the topic name, what the record key holds, the partition count used by the
 * local stack, the cleanup policy, the Schema Registry subject (TopicNameStrategy: {@code
 * <topic>-value}) and the generated Avro class of the value.
 */
public enum Topic {
  CONSUMER_REGISTRATION(
      "consumer_registration", ConsumerRegistration.class, ConsumerRegistration.getClassSchema()),
  SIGN_IN("sign_in", SignIn.class, SignIn.getClassSchema()),
  SIGN_OUT("sign_out", SignOut.class, SignOut.getClassSchema()),
  ITEM_VIEW("item_view", ItemView.class, ItemView.getClassSchema()),
  ADDED_TO_CART("added_to_cart", AddedToCart.class, AddedToCart.getClassSchema()),
  CHECKOUT_TO_CART("checkout_to_cart", CheckoutToCart.class, CheckoutToCart.getClassSchema()),
  ITEM_RATING("item_rating", ItemRating.class, ItemRating.getClassSchema()),
  MOVIES_CATALOG_ENRICHED(
      "movies_catalog_enriched",
      MovieCatalogEnriched.class,
      MovieCatalogEnriched.getClassSchema(),
      "item_id",
      1,
      CleanupPolicy.COMPACT);

  /** Kafka {@code cleanup.policy} of a topic. */
  public enum CleanupPolicy {
    DELETE,
    COMPACT;

    /**
     * The value of Kafka's {@code cleanup.policy} topic config: {@code delete} or {@code compact}.
     */
    public String configValue() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Partitions of every event topic on the local stack: one per core of the reference machine. */
  public static final int EVENT_PARTITIONS = 2;

  private final String topicName;
  private final Class<? extends SpecificRecord> valueClass;
  private final Schema valueSchema;
  private final String keyField;
  private final int partitions;
  private final CleanupPolicy cleanupPolicy;

  Topic(String topicName, Class<? extends SpecificRecord> valueClass, Schema valueSchema) {
    this(topicName, valueClass, valueSchema, "user_id", EVENT_PARTITIONS, CleanupPolicy.DELETE);
  }

  Topic(
      String topicName,
      Class<? extends SpecificRecord> valueClass,
      Schema valueSchema,
      String keyField,
      int partitions,
      CleanupPolicy cleanupPolicy) {
    this.topicName = topicName;
    this.valueClass = valueClass;
    this.valueSchema = valueSchema;
    this.keyField = keyField;
    this.partitions = partitions;
    this.cleanupPolicy = cleanupPolicy;
  }

  /** The Kafka topic name, e.g. {@code sign_in}; equal to the events' {@code event_name}. */
  public String topicName() {
    return topicName;
  }

  /** The registry subject of the value schema under TopicNameStrategy: {@code <topic>-value}. */
  public String subject() {
    return topicName + "-value";
  }

  /** The generated Avro class of the record value. */
  public Class<? extends SpecificRecord> valueClass() {
    return valueClass;
  }

  /** The value schema this build writes (the generated class's schema). */
  public Schema valueSchema() {
    return valueSchema;
  }

  /**
   * The value field whose text is the record key: {@code user_id} for events, else {@code item_id}.
   */
  public String keyField() {
    return keyField;
  }

  /** Partition count on the local stack. */
  public int partitions() {
    return partitions;
  }

  /** Cleanup policy: {@code compact} for the catalogue, {@code delete} for event topics. */
  public CleanupPolicy cleanupPolicy() {
    return cleanupPolicy;
  }

  /** True for the user-activity event topics (everything but the catalogue). */
  public boolean isEvent() {
    return this != MOVIES_CATALOG_ENRICHED;
  }

  /** Every topic, in declaration order. */
  public static List<Topic> all() {
    return Arrays.asList(values());
  }

  /** The user-activity event topics (all but the catalogue). */
  public static List<Topic> events() {
    return all().stream().filter(Topic::isEvent).toList();
  }

  /**
   * Looks a topic up by its Kafka name.
   *
   * @param topicName e.g. {@code checkout_to_cart}
   * @return the topic, or empty when the name is not in the catalogue
   */
  public static Optional<Topic> byName(String topicName) {
    return all().stream().filter(t -> t.topicName.equals(topicName)).findFirst();
  }
}
