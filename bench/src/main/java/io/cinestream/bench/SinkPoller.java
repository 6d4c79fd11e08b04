package io.cinestream.bench;

import io.cinestream.schemas.warehouse.WarehouseConnections;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Polls one metric table for an engine's rows and records when each row (by natural key) was first
 * visible to a reader, i.e. committed. Runs on its own thread and connection; each poll reads the
 * rows whose {@code emitted_at} is at most {@link #OVERLAP_MS} before the newest one seen so far (a
 * write transaction commits shortly after its {@code now()}), so a poll stays small however large
 * the table grows.
 */
public final class SinkPoller implements AutoCloseable {

  /** How far back of the newest {@code emitted_at} each poll looks, ms. */
  static final long OVERLAP_MS = 5_000;

  /**
   * A row as first seen.
   *
   * @param key natural key as text
   * @param windowEndMs end of its window (a session tick's timestamp), epoch ms
   * @param emittedAtMs its {@code emitted_at}, epoch ms
   * @param firstSeenMs wall-clock time of the poll that first returned it, epoch ms
   */
  public record Row(String key, long windowEndMs, long emittedAtMs, long firstSeenMs) {}

  private final String jdbcUrl;
  private final MetricJob job;
  private final String engine;
  private final long intervalMs;
  private final Map<String, Row> seen = new HashMap<>();
  private long newestEmittedMs = 0;
  private Thread thread;
  private volatile boolean running = true;
  private volatile SQLException failure;

  /**
   * @param jdbcUrl warehouse JDBC URL
   * @param job whose table is polled
   * @param engine value of the {@code engine} column
   * @param intervalMs pause between polls
   */
  public SinkPoller(String jdbcUrl, MetricJob job, String engine, long intervalMs) {
    this.jdbcUrl = jdbcUrl;
    this.job = job;
    this.engine = engine;
    this.intervalMs = intervalMs;
  }

  /** Starts polling. */
  public SinkPoller start() {
    thread = new Thread(this::loop, "sink-poller-" + job.id());
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  private void loop() {
    String sql =
        "SELECT "
            + job.keySql()
            + ", (extract(epoch FROM "
            + job.windowEndSql()
            + ") * 1000)::bigint, (extract(epoch FROM emitted_at) * 1000)::bigint FROM "
            + job.table()
            + " WHERE engine = ? AND emitted_at >= to_timestamp(? / 1000.0)";
    try (Connection c =
            DriverManager.getConnection(
                jdbcUrl, WarehouseConnections.properties(jdbcUrl, System.getenv()));
        PreparedStatement ps = c.prepareStatement(sql)) {
      c.setAutoCommit(true);
      while (running) {
        poll(ps);
        Thread.sleep(intervalMs);
      }
      poll(ps); // rows committed just before the engine finished
    } catch (SQLException e) {
      failure = e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void poll(PreparedStatement ps) throws SQLException {
    ps.setString(1, engine);
    ps.setLong(2, Math.max(0, newestEmittedMs - OVERLAP_MS));
    long now = System.currentTimeMillis();
    try (ResultSet rs = ps.executeQuery()) {
      synchronized (this) {
        while (rs.next()) {
          String key = rs.getString(1);
          long emitted = rs.getLong(3);
          newestEmittedMs = Math.max(newestEmittedMs, emitted);
          seen.putIfAbsent(key, new Row(key, rs.getLong(2), emitted, now));
        }
      }
    }
  }

  /**
   * Stops polling after one last poll and returns every row seen, in first-seen order.
   *
   * @throws SQLException when a poll failed
   */
  public List<Row> stop() throws SQLException, InterruptedException {
    running = false;
    thread.join();
    if (failure != null) {
      throw failure;
    }
    synchronized (this) {
      List<Row> rows = new ArrayList<>(seen.values());
      rows.sort(Comparator.comparingLong(Row::firstSeenMs).thenComparing(Row::key));
      return rows;
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.join();
    }
  }
}
