package io.cinestream.spark.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.testsupport.LocalStack;
import io.cinestream.testsupport.LocalStackExtension;
import io.cinestream.testsupport.SparkTestSession;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader against a private local stack (Kafka and registry as child JVMs, PostgreSQL
 * in-process) with a fixed workload of {@link LoadWorkload}: duplicates, a late retry and nine
 * records that cannot be loaded. Both tests assert that the tables end up exactly as the workload's
 * own oracle says.
 */
@ExtendWith(LocalStackExtension.class)
class RawEventLoaderStackTest {

  private static final int USERS = 60;

  /** spark-submit logs, kept after the run (the temporary directory is not). */
  private static final Path LOGS = Path.of("target", "load-test-logs");

  @TempDir static Path tmp;

  private static ForkedDevStack stack;
  private static LoadWorkload workload;
  private static String warehouseSecret;

  @BeforeAll
  static void startStackAndProduce(LocalStack shared) throws Exception {
    Files.createDirectories(LOGS);
    stack = ForkedDevStack.start(tmp.resolve("stack"), shared.newWarehouseDatabase());
    warehouseSecret = shared.warehousePassword();
    workload = LoadWorkload.build(stack.registryUrl(), USERS);
    workload.produce(stack.bootstrap());
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void loadsEachDistinctEventOnceDeadLettersBadRecordsAndAddsNothingOnRerun() throws Exception {
    LoadAssertions.truncate(stack.jdbcUrl());
    Map<RawTable, List<String>> expected = workload.expectedRows();
    // The oracle itself, by hand: 60 users x (3 consumer, 2 views, 3 cart, 1 rating) events.
    assertThat(LoadAssertions.counts(expected))
        .containsEntry(RawTable.CONSUMER_EVENTS, 180)
        .containsEntry(RawTable.ITEM_VIEW_EVENTS, 120)
        .containsEntry(RawTable.CART_EVENTS, 180)
        .containsEntry(RawTable.ITEM_RATING_EVENTS, 60)
        .containsEntry(RawTable.DEAD_LETTER_EVENTS, 9);
    // 540 events, their retries (about one in ten, plus a late one), 9 bad records (among them
    // one from a producer of another registry and one of another topic's schema).
    assertThat(workload.retries()).isGreaterThan(40);
    assertThat(workload.recordCount()).isEqualTo(540 + workload.retries() + 9);

    String checkpoint = tmp.resolve("cp-in-process").toString();
    runOnce(checkpoint, "copy");
    Map<RawTable, List<String>> loaded = LoadAssertions.tableRows(stack.jdbcUrl());
    assertThat(loaded).isEqualTo(expected);
    Map<RawTable, String> stamps = LoadAssertions.lastLoadedAt(stack.jdbcUrl());

    // Same checkpoint: nothing new to read, nothing written.
    runOnce(checkpoint, "copy");
    // Fresh checkpoint, other write path: every record replayed onto full tables.
    runOnce(tmp.resolve("cp-replay").toString(), "insert");

    assertThat(LoadAssertions.tableRows(stack.jdbcUrl())).isEqualTo(expected);
    assertThat(LoadAssertions.lastLoadedAt(stack.jdbcUrl())).isEqualTo(stamps);
  }

  @Test
  void restartAfterSigkillMidRunLosesAndDuplicatesNothingInTheTablesOrTheLake() throws Exception {
    LoadAssertions.truncate(stack.jdbcUrl());
    Map<RawTable, List<String>> expected = workload.expectedRows();
    Path checkpoint = tmp.resolve("cp-crash");
    Path commits = checkpoint.resolve("postgres/commits");

    // Small batches (40 records of ~600) so that the kill lands while batches remain.
    Process first = sparkSubmit(checkpoint, LOGS.resolve("crash-run-1.log"), "40");
    try {
      awaitCommittedBatches(commits, 2, first, LOGS.resolve("crash-run-1.log"));
    } finally {
      first.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
      first.waitFor(30, TimeUnit.SECONDS);
    }
    Map<RawTable, List<String>> partial = LoadAssertions.tableRows(stack.jdbcUrl());
    int loadedEvents =
        partial.entrySet().stream()
            .filter(e -> e.getKey() != RawTable.DEAD_LETTER_EVENTS)
            .mapToInt(e -> e.getValue().size())
            .sum();
    assertThat(loadedEvents).as("the kill landed mid-run").isPositive().isLessThan(540);

    Process second = sparkSubmit(checkpoint, LOGS.resolve("crash-run-2.log"), null);
    assertThat(second.waitFor(150, TimeUnit.SECONDS))
        .as("restarted loader finished, log %s", LOGS.resolve("crash-run-2.log"))
        .isTrue();
    assertThat(second.exitValue()).as(tail(LOGS.resolve("crash-run-2.log"))).isZero();

    assertThat(LoadAssertions.tableRows(stack.jdbcUrl())).isEqualTo(expected);

    // The bronze lake both runs wrote (docs/architecture.md#bronze-lake): every Kafka record once,
    // although the killed run had written batches it never committed, which the restart replayed.
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> bronze = lakeFiles(spark, "bronze");
    Dataset<Row> deadLetters = lakeFiles(spark, "dead_letters");
    Dataset<Row> coordinates =
        bronze
            .select("kafka_topic", "kafka_partition", "kafka_offset")
            .union(deadLetters.select("kafka_topic", "kafka_partition", "kafka_offset"));
    assertThat(coordinates.count()).isEqualTo(workload.recordCount());
    assertThat(coordinates.distinct().count()).isEqualTo(workload.recordCount());
    assertThat(deadLetters.count()).isEqualTo(expected.get(RawTable.DEAD_LETTER_EVENTS).size());
    List<String> expectedIds =
        expected.entrySet().stream()
            .filter(e -> e.getKey() != RawTable.DEAD_LETTER_EVENTS)
            .flatMap(e -> e.getValue().stream().map(row -> row.split("\\|", 2)[0]))
            .sorted()
            .toList();
    assertThat(
            bronze.select("event_id").distinct().orderBy("event_id").collectAsList().stream()
                .map(r -> r.getString(0))
                .toList())
        .isEqualTo(expectedIds);
  }

  /** Every row of one area of the crash test's lake, read with the lake's file schema. */
  private static Dataset<Row> lakeFiles(SparkSession spark, String area) {
    return spark
        .read()
        .schema(BronzeLake.FILE_SCHEMA)
        .option("recursiveFileLookup", "true")
        .parquet(tmp.resolve("lake-crash").resolve(area).toString());
  }

  private static void runOnce(String checkpoint, String mode) throws Exception {
    SparkSession spark = SparkTestSession.get();
    LoaderOptions options =
        LoaderOptions.parse(
            "--bootstrap",
            stack.bootstrap(),
            "--registry",
            stack.registryUrl(),
            "--jdbc-url",
            stack.jdbcUrl(),
            "--checkpoint-dir",
            checkpoint,
            "--pg-write-mode",
            mode,
            "--once");
    RawEventLoader.run(spark, options, RawEventLoader.writerFor(options));
  }

  /**
   * Starts the loader with the real {@code spark-submit} of the pyspark 3.5.7 venv. The classes
   * come from this test's own classpath ({@code --driver-class-path}; in local mode the executors
   * live in the driver JVM), so the test needs no shaded jar from a {@code package} run; the
   * primary jar is an empty placeholder that spark-submit requires.
   */
  private static Process sparkSubmit(Path checkpoint, Path log, String maxOffsets)
      throws IOException {
    Path sparkHome = sparkHome();
    Path appJar = tmp.resolve("placeholder.jar");
    if (!Files.exists(appJar)) {
      Manifest manifest = new Manifest();
      manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(appJar), manifest)) {
        // empty on purpose
      }
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                sparkHome.resolve("bin/spark-submit").toString(),
                "--master",
                "local[2]",
                "--driver-memory",
                "1g",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.sql.shuffle.partitions=2",
                "--conf",
                "spark.driver.host=127.0.0.1",
                "--conf",
                "spark.driver.bindAddress=127.0.0.1",
                "--driver-class-path",
                testClasspath(),
                "--driver-java-options",
                "-Dlog4j2.configurationFile=file:"
                    + ForkedDevStack.ROOT.resolve("spark-jobs/conf/log4j2.properties"),
                "--class",
                RawEventLoader.class.getName(),
                appJar.toString(),
                "--bootstrap",
                stack.bootstrap(),
                "--registry",
                stack.registryUrl(),
                "--jdbc-url",
                // The password by environment, never on a command line (as ./pipeline does).
                LocalStack.withoutPassword(stack.jdbcUrl()),
                "--checkpoint-dir",
                checkpoint.toString(),
                "--lake",
                tmp.resolve("lake-crash").toString(),
                "--once"));
    if (maxOffsets != null) {
      command.addAll(List.of("--max-offsets-per-trigger", maxOffsets));
    }
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put(LoaderOptions.PASSWORD_ENV, warehouseSecret);
    return pb.start();
  }

  private static Path sparkHome() throws IOException {
    Path lib = ForkedDevStack.ROOT.resolve(".local/venv/spark/lib");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> pythons = Files.list(lib)) {
        for (Path python : pythons.toList()) {
          Path pyspark = python.resolve("site-packages/pyspark");
          if (Files.isRegularFile(pyspark.resolve("bin/spark-submit"))) {
            return pyspark;
          }
        }
      }
    }
    throw new IllegalStateException(
        "no pyspark 3.5.7 venv under "
            + lib.getParent()
            + ": ./pipeline test creates it (requirements/spark.txt)");
  }

  /** This JVM's classpath, expanded from Surefire's manifest-only booter jar when it uses one. */
  private static String testClasspath() throws IOException {
    String cp = System.getProperty("java.class.path");
    if (cp.contains(File.pathSeparator) || !cp.endsWith(".jar")) {
      return cp;
    }
    try (JarFile booter = new JarFile(cp)) {
      String entries =
          booter.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
      List<String> paths = new ArrayList<>();
      for (String url : entries.trim().split("\\s+")) {
        paths.add(Path.of(java.net.URI.create(url)).toString());
      }
      return String.join(File.pathSeparator, paths);
    }
  }

  private static void awaitCommittedBatches(Path commits, int n, Process loader, Path log)
      throws InterruptedException, IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
    while (System.nanoTime() < deadline) {
      if (!loader.isAlive()) {
        throw new AssertionError("loader ended before the kill: " + tail(log));
      }
      if (Files.isDirectory(commits)) {
        try (Stream<Path> files = Files.list(commits)) {
          if (files.filter(f -> f.getFileName().toString().matches("\\d+")).count() >= n) {
            return;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + n + " committed batches within 150 s: " + tail(log));
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log " + log + ")";
    }
  }
}
