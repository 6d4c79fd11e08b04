package io.cinestream.spark.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinestream.schemas.Topic;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LoaderOptionsTest {

  private static final String[] REQUIRED = {
    "--bootstrap", "127.0.0.1:19092", "--registry", "http://127.0.0.1:18081"
  };

  @Test
  void defaultsToPostgresEveryEventTopicEarliestAndTenSecondTriggers() {
    LoaderOptions o = parse("--jdbc-url", "jdbc:postgresql://127.0.0.1:1/x");

    assertThat(o.target()).isEqualTo(LoaderOptions.Target.POSTGRES);
    assertThat(o.pgWriteMode()).isEqualTo(PostgresWarehouseWriter.Mode.COPY);
    assertThat(o.queryCheckpoint()).isEqualTo(".local/checkpoints/raw-loader/postgres");
    assertThat(o.startingOffsets()).isEqualTo("earliest");
    assertThat(o.triggerInterval()).isEqualTo("10 seconds");
    assertThat(o.once()).isFalse();
    assertThat(o.maxOffsetsPerTrigger()).isNull();
    assertThat(o.topics()).isEqualTo(Topic.events()).hasSize(7);
  }

  @Test
  void keepsTopicsInCatalogueOrderAndPassesKafkaOptions() {
    LoaderOptions o =
        parse(
            "--target",
            "snowflake",
            "--topics",
            "item_rating,sign_in",
            "--kafka-option",
            "security.protocol=SASL_SSL",
            "--once");

    assertThat(o.topics()).containsExactly(Topic.SIGN_IN, Topic.ITEM_RATING);
    assertThat(o.kafkaOptions()).isEqualTo(Map.of("security.protocol", "SASL_SSL"));
    assertThat(o.queryCheckpoint()).endsWith("/snowflake");
    assertThat(o.once()).isTrue();
  }

  @Test
  void rejectsWhatCannotRun() {
    assertThatThrownBy(() -> parse())
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--jdbc-url");
    assertThatThrownBy(() -> parse("--target", "snowflake", "--topics", "movies_catalog_enriched"))
        .hasMessageContaining("movies_catalog_enriched is not an event topic");
    assertThatThrownBy(() -> parse("--target", "snowflake", "--starting-offsets", "middle"))
        .hasMessageContaining("earliest or latest");
  }

  @Test
  void snowflakeSettingsComeFromTheEnvironmentAndNameWhatIsMissing() {
    assertThatThrownBy(
            () -> SnowflakeWarehouseWriter.optionsFromEnvironment(Map.of("SNOWFLAKE_USER", "u")))
        .hasMessageContaining("SNOWFLAKE_URL")
        .hasMessageContaining("SNOWFLAKE_SCHEMA")
        .hasMessageContaining("SNOWFLAKE_PRIVATE_KEY_FILE or SNOWFLAKE_PASSWORD")
        .hasMessageNotContaining("SNOWFLAKE_USER,");

    Map<String, String> options =
        SnowflakeWarehouseWriter.optionsFromEnvironment(
            Map.of(
                "SNOWFLAKE_URL", "https://org-acct.snowflakecomputing.com",
                "SNOWFLAKE_USER", "loader",
                "SNOWFLAKE_PASSWORD", "pw",
                "SNOWFLAKE_WAREHOUSE", "wh",
                "SNOWFLAKE_DATABASE", "db",
                "SNOWFLAKE_SCHEMA", "raw"));
    assertThat(options)
        .containsEntry("sfURL", "org-acct.snowflakecomputing.com")
        .containsEntry("sfPassword", "pw")
        .containsEntry("sfSchema", "raw")
        .containsEntry("sfTimezone", "UTC")
        .doesNotContainKey("pem_private_key");
  }

  private static LoaderOptions parse(String... extra) {
    String[] args = new String[REQUIRED.length + extra.length];
    System.arraycopy(REQUIRED, 0, args, 0, REQUIRED.length);
    System.arraycopy(extra, 0, args, REQUIRED.length, extra.length);
    return LoaderOptions.parse(args);
  }
}
