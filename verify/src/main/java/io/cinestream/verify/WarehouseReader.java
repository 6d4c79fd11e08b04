package io.cinestream.verify;

import io.cinestream.verify.model.RawEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the raw warehouse tables (V1 consumer_events and cart_events, V2 movies_catalog) the
 * reference implementation works on.
 */
public final class WarehouseReader {

  private final Connection connection;

  /**
   * @param connection an open connection to the warehouse; not closed by this class
   */
  public WarehouseReader(Connection connection) {
    this.connection = connection;
  }

  /**
   * All consumer_events and cart_events rows as events.
   *
   * @param excludeLateOfEngine when not null, events this engine recorded in late_events are left
   *     out, so the reference sees the input that engine counted (docs/metrics.md#late-events: late
   *     events are counted apart, not in the metrics)
   * @return events in no particular order
   * @throws SQLException on any database error
   */
  public List<RawEvent> readEvents(String excludeLateOfEngine) throws SQLException {
    String notLate =
        excludeLateOfEngine == null
            ? ""
            : " WHERE event_id NOT IN (SELECT event_id FROM late_events WHERE engine = ?)";
    List<RawEvent> events = new ArrayList<>();
    read(
        "SELECT event_id::text, event_name, user_id, event_time, NULL, NULL FROM consumer_events"
            + notLate,
        excludeLateOfEngine,
        events);
    read(
        "SELECT event_id::text, event_name, user_id, event_time, cart_id::text, item_id"
            + " FROM cart_events"
            + notLate,
        excludeLateOfEngine,
        events);
    return events;
  }

  private void read(String sql, String engine, List<RawEvent> into) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      if (engine != null) {
        st.setString(1, engine);
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          into.add(
              new RawEvent(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getObject(4, OffsetDateTime.class).toInstant(),
                  rs.getInt(3),
                  rs.getString(5),
                  rs.getString(6)));
        }
      }
    }
  }

  /**
   * The latest watermark tick the raw loader read on {@code sign_in} or {@code sign_out} (table
   * {@code watermark_ticks}): it moves the session job's watermark like an event would
   * (docs/metrics.md#sessions).
   *
   * @return its event time, or null when there is none
   * @throws SQLException on any database error
   */
  public Instant readLatestSignTick() throws SQLException {
    try (PreparedStatement st =
            connection.prepareStatement(
                "SELECT max(tick_time) FROM watermark_ticks"
                    + " WHERE kafka_topic IN ('sign_in', 'sign_out')");
        ResultSet rs = st.executeQuery()) {
      OffsetDateTime t = rs.next() ? rs.getObject(1, OffsetDateTime.class) : null;
      return t == null ? null : t.toInstant();
    }
  }

  /**
   * The catalogue prices.
   *
   * @return list_price_cents by item_id, only items that have a price
   * @throws SQLException on any database error
   */
  public Map<String, Long> readListPriceCents() throws SQLException {
    Map<String, Long> prices = new HashMap<>();
    try (PreparedStatement st =
            connection.prepareStatement(
                "SELECT item_id, list_price_cents FROM movies_catalog"
                    + " WHERE list_price_cents IS NOT NULL");
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        prices.put(rs.getString(1), rs.getLong(2));
      }
    }
    return prices;
  }
}
