package io.cinestream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class TopicTest {

  @Test
  void namesEveryTopicOfTheDesignWithItsSubjectAndPolicy() {
    assertThat(Topic.all())
        .extracting(Topic::topicName)
        .containsExactly(
            "consumer_registration",
            "sign_in",
            "sign_out",
            "item_view",
            "added_to_cart",
            "checkout_to_cart",
            "item_rating",
            "movies_catalog_enriched");
    assertThat(Topic.SIGN_IN.subject()).isEqualTo("sign_in-value");
    assertThat(Topic.MOVIES_CATALOG_ENRICHED.cleanupPolicy().configValue()).isEqualTo("compact");
    assertThat(Topic.ITEM_VIEW.cleanupPolicy().configValue()).isEqualTo("delete");
    assertThat(Topic.MOVIES_CATALOG_ENRICHED.keyField()).isEqualTo("item_id");
    assertThat(Topic.events()).hasSize(7).allMatch(t -> t.keyField().equals("user_id"));
  }

  @Test
  void everyEventSchemaStartsWithTheCommonFieldsAndUsesEventTimeMillis() {
    for (Topic t : Topic.events()) {
      Schema s = t.valueSchema();
      assertThat(s.getFields().subList(0, 4))
          .extracting(Schema.Field::name)
          .containsExactly("event_id", "timestamp", "event_name", "user_id");
      assertThat(s.getField("timestamp").schema().getLogicalType().getName())
          .isEqualTo("timestamp-millis");
      assertThat(s.getField("event_name").defaultVal()).isEqualTo(t.topicName());
      assertThat(s.getFields()).allMatch(f -> f.doc() != null && !f.doc().isBlank());
    }
  }

  @Test
  void looksTopicsUpByName() {
    assertThat(Topic.byName("checkout_to_cart")).contains(Topic.CHECKOUT_TO_CART);
    assertThat(Topic.byName("nope")).isEmpty();
  }
}
