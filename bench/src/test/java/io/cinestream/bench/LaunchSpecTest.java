package io.cinestream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaunchSpecTest {

  // What ./pipeline launch-spec printed (trimmed argv), after a venv installation line.
  private static final String FLINK_OUTPUT =
      "==> Installing Python packages for flink into /x/.local/venv/flink\n"
          + "{\"job\": \"registration\", \"engine\": \"flink_sql\", \"runtime\": \"flink\","
          + " \"argv\": [\"/f/bin/flink\", \"run\", \"-m\", \"127.0.0.1:8082\", \"-c\","
          + " \"io.cinestream.flink.RegistrationMetricsSqlJob\", \"/r/flink-jobs.jar\","
          + " \"--bounded\"], \"env\": {\"FLINK_CONF_DIR\": \"/r/.local/flink-conf\"},"
          + " \"jar\": \"/r/flink-jobs.jar\","
          + " \"main_class\": \"io.cinestream.flink.RegistrationMetricsSqlJob\","
          + " \"job_name\": \"registration-metrics-sql\","
          + " \"job_id_pattern\": \"JobID ([0-9a-f]{32})\"}\n";

  @Test
  void parsesTheLastJsonLineOfTheOutput() {
    LaunchSpec spec = LaunchSpec.parse(FLINK_OUTPUT);
    assertThat(spec.job()).isEqualTo("registration");
    assertThat(spec.engine()).isEqualTo("flink_sql");
    assertThat(spec.runtime()).isEqualTo("flink");
    assertThat(spec.argv())
        .containsExactly(
            "/f/bin/flink",
            "run",
            "-m",
            "127.0.0.1:8082",
            "-c",
            "io.cinestream.flink.RegistrationMetricsSqlJob",
            "/r/flink-jobs.jar",
            "--bounded");
    assertThat(spec.env()).isEqualTo(Map.of("FLINK_CONF_DIR", "/r/.local/flink-conf"));
    assertThat(spec.mainClass()).isEqualTo("io.cinestream.flink.RegistrationMetricsSqlJob");
    assertThat(spec.jobName()).isEqualTo("registration-metrics-sql");
  }

  @Test
  void findsTheJobIdWithThePatternItWasGiven() {
    LaunchSpec spec = LaunchSpec.parse(FLINK_OUTPUT);
    assertThat(spec.jobId("Job has been submitted with JobID 0123456789abcdef0123456789abcdef"))
        .hasValue("0123456789abcdef0123456789abcdef");
    assertThat(spec.jobId("Starting execution of program")).isEmpty();
  }

  @Test
  void aSparkSpecHasNoJobIdAndNullOptionalFields() {
    LaunchSpec spark =
        LaunchSpec.parse(
            "{\"job\": \"sales\", \"engine\": \"spark\", \"runtime\": \"spark\","
                + " \"argv\": [\"/s/bin/spark-submit\"], \"env\": {\"SPARK_HOME\": \"/s\"},"
                + " \"jar\": \"/r/spark-jobs.jar\", \"main_class\": \"M\", \"job_name\": null,"
                + " \"job_id_pattern\": null}");
    assertThat(spark.jobName()).isNull();
    assertThat(spark.jobIdPattern()).isNull();
    assertThatThrownBy(() -> spark.jobId("JobID 0123456789abcdef0123456789abcdef"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("spark has no JobID (runtime spark)");
  }

  @Test
  void processBuilderAddsTheSpecsEnvironment() {
    LaunchSpec spec = LaunchSpec.parse(FLINK_OUTPUT);
    ProcessBuilder pb = spec.processBuilder(Path.of("/tmp/log"));
    assertThat(pb.command()).isEqualTo(spec.argv());
    assertThat(pb.environment()).containsEntry("FLINK_CONF_DIR", "/r/.local/flink-conf");
  }

  @Test
  void outputWithoutASpecOrWithoutAFieldIsAnError() {
    assertThatThrownBy(() -> LaunchSpec.parse("Traceback...\nKeyError: 'x'\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("no JSON launch spec in: Traceback");
    assertThatThrownBy(() -> LaunchSpec.parse("{\"job\": \"sales\", \"engine\": \"spark\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("launch spec has no runtime");
  }
}
