package io.cinestream.dashboard;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's own gauges (docs/operations.md#monitoring): freshness of each engine's newest
 * closed tick and window, late events, dead letters, raw rows, the live flink-vs-spark parity check
 * and consumer lag. {@link #refresh()} reads them all once (the server calls it every few seconds);
 * the registry's callbacks export the latest reading, so a scrape never waits on the database.
 */
public final class Monitor {

  private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);

  /**
   * One complete reading; a source that did not answer leaves its fields empty (never null) and its
   * error set.
   *
   * @param at the wall-clock time of the reading
   * @param newestClosed per engine and metric, the event time of the newest closed tick or window
   * @param lateEvents rows of {@code late_events} per engine
   * @param deadLetters rows of {@code dead_letter_events} per reason
   * @param rawEvents rows per raw table
   * @param parityMismatches closed ticks or windows where flink and spark differ, per metric
   * @param lag committed lag per group and partition
   * @param warehouseError why the warehouse could not be read, or null
   * @param kafkaError why Kafka could not be read, or null
   */
  public record Reading(
      Instant at,
      Map<String, Map<String, Instant>> newestClosed,
      Map<String, Long> lateEvents,
      Map<String, Long> deadLetters,
      Map<String, Long> rawEvents,
      Map<String, Long> parityMismatches,
      List<ConsumerLag.Lag> lag,
      String warehouseError,
      String kafkaError) {

    /**
     * Freshness of one engine's metric.
     *
     * @param engine {@code flink} or {@code spark}
     * @param metric a name of {@link Warehouse#METRICS}
     * @return seconds from its newest closed tick or window end to {@link #at}, or null when absent
     */
    public Double freshnessSeconds(String engine, String metric) {
      Instant t = newestClosed.getOrDefault(engine, Map.of()).get(metric);
      return t == null ? null : Duration.between(t, at).toMillis() / 1000.0;
    }
  }

  private static final String NOT_READ_YET = "not read yet";

  private final Warehouse warehouse;
  private final ConsumerLag lag;
  private final Path sparkCheckpoints;
  private final Clock clock;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private volatile Reading reading;
  private volatile boolean read;

  /**
   * A monitor with an empty first reading ({@code "not read yet"}) until {@link #refresh()}.
   *
   * @param warehouse the warehouse to read
   * @param lag the lag reader, or null to export no lag (no Kafka configured)
   * @param clock wall clock of the freshness figures
   */
  public Monitor(Warehouse warehouse, ConsumerLag lag, Clock clock) {
    this(warehouse, lag, null, clock);
  }

  /**
   * A monitor that also reads the Spark queries' positions from their checkpoints.
   *
   * @param warehouse the warehouse to read
   * @param lag the lag reader, or null to export no lag (no Kafka configured)
   * @param sparkCheckpoints the folder of the Spark checkpoints ({@link SparkCheckpoints}), or null
   *     for none
   * @param clock wall clock of the freshness figures
   */
  public Monitor(Warehouse warehouse, ConsumerLag lag, Path sparkCheckpoints, Clock clock) {
    this.warehouse = warehouse;
    this.lag = lag;
    this.sparkCheckpoints = sparkCheckpoints;
    this.clock = clock;
    this.reading =
        new Reading(
            clock.instant(),
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(),
            List.of(),
            NOT_READ_YET,
            null);
    register();
  }

  /**
   * The registry {@code /metrics} writes.
   *
   * @return the monitor's own registry (not the default one: no JVM metrics)
   */
  public PrometheusRegistry registry() {
    return registry;
  }

  /**
   * The latest reading.
   *
   * @return never null
   */
  public Reading reading() {
    return reading;
  }

  /**
   * Whether a reading was made since the start (whatever its outcome).
   *
   * @return false until the first {@link #refresh()} ends
   */
  public boolean hasRead() {
    return read;
  }

  /**
   * Reads the warehouse and Kafka once and makes that the exported reading. A source that fails
   * leaves its figures empty and its error in the reading (logged), never an exception.
   *
   * @return the new reading
   */
  public Reading refresh() {
    Instant now = clock.instant();
    Map<String, Map<String, Instant>> newest = Map.of();
    Map<String, Long> late = Map.of();
    Map<String, Long> dead = Map.of();
    Map<String, Long> raw = Map.of();
    Map<String, Long> parity = Map.of();
    String warehouseError = null;
    try {
      newest = warehouse.newestClosed(now);
      late = warehouse.lateEvents();
      dead = warehouse.deadLetters();
      raw = warehouse.rawEvents();
      parity = warehouse.parityMismatches();
    } catch (Exception e) {
      warehouseError = "warehouse not reachable: " + e.getMessage();
    }
    List<ConsumerLag.Lag> lags = List.of();
    String kafkaError = null;
    if (lag != null) {
      Map<String, Map<TopicPartition, Long>> spark = Map.of();
      try {
        if (sparkCheckpoints != null) {
          spark = SparkCheckpoints.positions(sparkCheckpoints);
        }
      } catch (RuntimeException e) {
        kafkaError = "Spark checkpoints not readable: " + e.getMessage();
      }
      try {
        lags = lag.read(spark);
      } catch (Exception e) {
        kafkaError = "Kafka not reachable: " + e.getMessage();
      }
    }
    Reading previous = reading;
    logChange("warehouse", previous.warehouseError(), warehouseError);
    logChange("Kafka", previous.kafkaError(), kafkaError);
    reading = new Reading(now, newest, late, dead, raw, parity, lags, warehouseError, kafkaError);
    read = true;
    return reading;
  }

  /** Logs a source's error when it appears or changes, and its recovery: not every few seconds. */
  private static void logChange(String source, String before, String now) {
    if (now != null && !now.equals(before)) {
      LOG.warn(now);
    } else if (now == null && before != null && !NOT_READ_YET.equals(before)) {
      LOG.info("{} answers again", source);
    }
  }

  private void register() {
    GaugeWithCallback.builder()
        .name("cinestream_metric_freshness_seconds")
        .help(
            "Wall-clock now minus the event time of the engine's newest closed tick or window end")
        .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
        .labelNames("engine", "metric")
        .callback(
            cb -> {
              Reading r = reading;
              r.newestClosed()
                  .forEach(
                      (engine, metrics) ->
                          metrics
                              .keySet()
                              .forEach(m -> cb.call(r.freshnessSeconds(engine, m), engine, m)));
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("cinestream_late_events_total")
        .help("Late events recorded by the engine (late_events)")
        .labelNames("engine")
        .callback(cb -> reading.lateEvents().forEach((e, n) -> cb.call(n, e)))
        .register(registry);
    CounterWithCallback.builder()
        .name("cinestream_dead_letters_total")
        .help("Rows of dead_letter_events by reason")
        .labelNames("reason")
        .callback(cb -> reading.deadLetters().forEach((r, n) -> cb.call(n, r)))
        .register(registry);
    CounterWithCallback.builder()
        .name("cinestream_raw_events_total")
        .help("Rows of the raw event tables")
        .labelNames("table")
        .callback(cb -> reading.rawEvents().forEach((t, n) -> cb.call(n, t)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("cinestream_parity_mismatches")
        .help("Closed ticks/windows both flink and spark wrote that differ, per metric")
        .labelNames("metric")
        .callback(cb -> reading.parityMismatches().forEach((m, n) -> cb.call(n, m)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("cinestream_consumer_lag_records")
        .help("Log-end offset minus the group's committed offset")
        .labelNames("group", "topic", "partition")
        .callback(
            cb ->
                reading
                    .lag()
                    .forEach(
                        l ->
                            cb.call(
                                l.records(),
                                l.group(),
                                l.topic(),
                                Integer.toString(l.partition()))))
        .register(registry);
  }
}
