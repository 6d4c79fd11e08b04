package io.cinestream.spark.load;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code postgres} target: writes each micro-batch from the executors, one connection and one
 * transaction per Spark partition (in the loader, the slices of one or more Kafka topic-partitions,
 * see {@link RawEventLoader}), so a partition's rows land all or nothing and a crash leaves only
 * whole partitions.
 *
 * <p>Two write paths, both idempotent:
 *
 * <ul>
 *   <li>{@link Mode#COPY} (default): the rows are streamed with {@code COPY ... FROM STDIN} (text
 *       format) into a per-transaction temporary staging table per raw table, then {@code INSERT
 *       INTO t SELECT ... FROM stage ORDER BY <key>, <kafka coordinates> ON CONFLICT (<key>) DO
 *       NOTHING} ({@link #orderBy}).
 *   <li>{@link Mode#INSERT}: batched {@code INSERT ... ON CONFLICT (<key>) DO NOTHING} ({@value
 *       #INSERT_BATCH} rows per batch, pgjdbc {@code reWriteBatchedInserts}).
 * </ul>
 *
 * {@code bench/loader-throughput.sh} (200,000 events, 2 cores) measured both at about 12,000-13,000
 * events/s, COPY ahead by 4% on a quiet machine: the loader is bound upstream of the write (Kafka
 * read, decode, Spark tasks), not by PostgreSQL. COPY stays the default because it reports exact
 * inserted counts and inserts in key order (no deadlocks between partitions on duplicate keys);
 * batched INSERT reports no counts with {@code reWriteBatchedInserts}.
 *
 * <p>Tables: {@code V1__raw_tables.sql}. Serializable: it only carries the URL, connection
 * properties and mode.
 */
public final class PostgresWarehouseWriter implements WarehouseWriter, Serializable {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(PostgresWarehouseWriter.class);

  /** How rows reach the tables. */
  public enum Mode {
    /** COPY into a temporary staging table, then INSERT ... SELECT ... ON CONFLICT DO NOTHING. */
    COPY,
    /** Batched INSERT ... ON CONFLICT DO NOTHING. */
    INSERT
  }

  /** Rows per JDBC batch in {@link Mode#INSERT}. */
  static final int INSERT_BATCH = 1000;

  /** Characters of COPY text buffered per staging table before they are sent. */
  static final int COPY_CHUNK_CHARS = 4 << 20;

  /** Per-partition outcome rows: table, rows offered, rows inserted (-1 unknown). */
  static final StructType COUNTS_SCHEMA =
      new StructType()
          .add("table_name", DataTypes.StringType, false)
          .add("offered", DataTypes.LongType, false)
          .add("inserted", DataTypes.LongType, false);

  private final String jdbcUrl;
  private final Properties connectionProperties;
  private final Mode mode;

  /**
   * @param jdbcUrl e.g. {@code jdbc:postgresql://127.0.0.1:5432/cinestream?user=postgres}
   * @param connectionProperties {@code user}, {@code password} and other pgjdbc properties (may be
   *     empty when the URL carries them)
   * @param mode the write path
   */
  public PostgresWarehouseWriter(String jdbcUrl, Properties connectionProperties, Mode mode) {
    this.jdbcUrl = jdbcUrl;
    this.connectionProperties = new Properties();
    this.connectionProperties.putAll(connectionProperties);
    if (mode == Mode.INSERT) {
      this.connectionProperties.setProperty("reWriteBatchedInserts", "true");
    }
    this.mode = mode;
  }

  @Override
  public String target() {
    return "postgres";
  }

  /**
   * @throws org.apache.spark.SparkException wrapping the {@link SQLException} of a failed partition
   *     (its transaction is rolled back; the batch's offsets are not committed)
   */
  @Override
  public BatchResult write(Dataset<Row> decoded, long batchId) {
    long started = System.nanoTime();
    List<Row> counts =
        decoded
            .mapPartitions(
                (MapPartitionsFunction<Row, Row>) this::writePartition, Encoders.row(COUNTS_SCHEMA))
            .collectAsList();
    Map<RawTable, Long> offered = new EnumMap<>(RawTable.class);
    Map<RawTable, Long> inserted = new EnumMap<>(RawTable.class);
    for (Row r : counts) {
      RawTable table = RawTable.byName(r.getString(0));
      offered.merge(table, r.getLong(1), Long::sum);
      long in = r.getLong(2);
      inserted.merge(
          table,
          in,
          (a, b) ->
              a == BatchResult.UNKNOWN || b == BatchResult.UNKNOWN ? BatchResult.UNKNOWN : a + b);
    }
    return new BatchResult(offered, inserted, (System.nanoTime() - started) / 1_000_000);
  }

  /**
   * Writes one partition in one transaction.
   *
   * @param rows rows of {@link DecodedEvents#SCHEMA}
   * @return one row of {@link #COUNTS_SCHEMA} per table that received rows
   * @throws SQLException when PostgreSQL rejects the rows (the transaction is rolled back)
   */
  Iterator<Row> writePartition(Iterator<Row> rows) throws SQLException, IOException {
    if (!rows.hasNext()) {
      return List.<Row>of().iterator();
    }
    try (Connection connection = DriverManager.getConnection(jdbcUrl, connectionProperties)) {
      connection.setAutoCommit(false);
      try {
        Map<RawTable, long[]> counts =
            mode == Mode.COPY ? copyPartition(connection, rows) : insertPartition(connection, rows);
        connection.commit();
        LOG.debug("{}: committed a partition, {} tables", this, counts.size());
        List<Row> out = new ArrayList<>();
        counts.forEach((table, c) -> out.add(RowFactory.create(table.tableName(), c[0], c[1])));
        return out.iterator();
      } catch (SQLException e) {
        connection.rollback();
        // pgjdbc reports the failing row's cause only as the next exception of a batch failure.
        if (e.getNextException() != null) {
          e.addSuppressed(e.getNextException());
        }
        throw e;
      } catch (IOException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  private Map<RawTable, long[]> copyPartition(Connection connection, Iterator<Row> rows)
      throws SQLException, IOException {
    CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
    Map<RawTable, Stage> stages = new EnumMap<>(RawTable.class);
    while (rows.hasNext()) {
      Row row = rows.next();
      RawTable table = RawTable.byName(row.getString(0));
      Stage stage = stages.get(table);
      if (stage == null) {
        stage = new Stage(table, DecodedEvents.SCHEMA);
        try (Statement st = connection.createStatement()) {
          // No constraints or indexes on the stage: the target's key decides what is new.
          st.execute(
              "CREATE TEMPORARY TABLE "
                  + stage.name
                  + " ON COMMIT DROP AS SELECT "
                  + table.columnList()
                  + " FROM "
                  + table.tableName()
                  + " WITH NO DATA");
        }
        stages.put(table, stage);
      }
      stage.append(row);
      if (stage.text.length() >= COPY_CHUNK_CHARS) {
        stage.flush(copy);
      }
    }
    Map<RawTable, long[]> counts = new EnumMap<>(RawTable.class);
    for (Stage stage : stages.values()) {
      stage.flush(copy);
      try (Statement st = connection.createStatement()) {
        String key = String.join(", ", stage.table.keyColumns());
        long inserted =
            st.executeLargeUpdate(
                "INSERT INTO "
                    + stage.table.tableName()
                    + " ("
                    + stage.table.columnList()
                    + ") SELECT "
                    + stage.table.columnList()
                    + " FROM "
                    + stage.name
                    + " ORDER BY "
                    + orderBy(stage.table)
                    + " ON CONFLICT ("
                    + key
                    + ") DO NOTHING");
        counts.put(stage.table, new long[] {stage.rows, inserted});
      }
    }
    return counts;
  }

  /**
   * The key, then the Kafka coordinates: key order keeps concurrent partitions from deadlocking on
   * duplicate keys, and among duplicates inside one batch the record with the lowest coordinates is
   * the one inserted, the same one on every replay.
   */
  static String orderBy(RawTable table) {
    List<String> order = new ArrayList<>(table.keyColumns());
    for (String c : List.of("kafka_topic", "kafka_partition", "kafka_offset")) {
      if (!order.contains(c)) {
        order.add(c);
      }
    }
    return String.join(", ", order);
  }

  /** COPY text of the rows of one table, sent in chunks to its staging table. */
  private static final class Stage {
    final RawTable table;
    final String name;
    final int[] fields;
    final RawTable.ColumnType[] types;
    final StringBuilder text = new StringBuilder(1 << 16);
    long rows;

    Stage(RawTable table, StructType schema) {
      this.table = table;
      this.name = "stage_" + table.tableName();
      this.fields =
          table.columns().stream().mapToInt(c -> schema.fieldIndex(c.decodedField())).toArray();
      this.types =
          table.columns().stream().map(RawTable.Column::type).toArray(RawTable.ColumnType[]::new);
    }

    void append(Row row) {
      for (int i = 0; i < fields.length; i++) {
        if (i > 0) {
          text.append('\t');
        }
        int f = fields[i];
        if (row.isNullAt(f)) {
          text.append("\\N");
          continue;
        }
        // Numbers straight from the primitive getters: no boxing, no escaping needed.
        switch (types[i]) {
          case TIMESTAMPTZ -> appendTimestamp(text, row.getLong(f));
          case SMALLINT, INTEGER -> text.append(row.getInt(f));
          case BIGINT -> text.append(row.getLong(f));
          case UUID, TEXT -> appendEscaped(text, row.getString(f));
        }
      }
      text.append('\n');
      rows++;
    }

    void flush(CopyManager copy) throws SQLException, IOException {
      if (text.length() == 0) {
        return;
      }
      // pgjdbc talks UTF-8; handing it bytes skips its own char-by-char Reader encoding.
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      copy.copyIn(
          "COPY " + name + " (" + table.columnList() + ") FROM STDIN (FORMAT text)",
          new ByteArrayInputStream(bytes));
      text.setLength(0);
    }
  }

  /** Escapes a value for COPY's text format (backslash, tab, newline, carriage return). */
  static void appendEscaped(StringBuilder out, String value) {
    int n = value.length();
    int i = 0;
    while (i < n) {
      char c = value.charAt(i);
      if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
        break;
      }
      i++;
    }
    if (i == n) {
      // The usual case (ids, names): nothing to escape, one bulk append.
      out.append(value);
      return;
    }
    out.append(value, 0, i);
    for (; i < n; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
  }

  /**
   * Appends an instant as a PostgreSQL {@code timestamptz} literal in UTC, {@code yyyy-MM-dd
   * HH:mm:ss.SSS+00} (years 1..9999; other years fall back to {@link Instant#toString()}).
   * Formatted by hand because {@code Instant.toString()}'s formatter was a visible share of the
   * loader's CPU profile at one call per row.
   *
   * @param out where the text goes
   * @param epochMs milliseconds since 1970-01-01T00:00Z
   */
  static void appendTimestamp(StringBuilder out, long epochMs) {
    long day = Math.floorDiv(epochMs, 86_400_000L);
    int msOfDay = (int) Math.floorMod(epochMs, 86_400_000L);
    LocalDate date = LocalDate.ofEpochDay(day);
    int year = date.getYear();
    if (year < 1 || year > 9999) {
      out.append(Instant.ofEpochMilli(epochMs));
      return;
    }
    pad(out, year, 4).append('-');
    pad(out, date.getMonthValue(), 2).append('-');
    pad(out, date.getDayOfMonth(), 2).append(' ');
    pad(out, msOfDay / 3_600_000, 2).append(':');
    pad(out, msOfDay / 60_000 % 60, 2).append(':');
    pad(out, msOfDay / 1000 % 60, 2).append('.');
    pad(out, msOfDay % 1000, 3).append("+00");
  }

  private static StringBuilder pad(StringBuilder out, int value, int digits) {
    for (int limit = 10, d = 1; d < digits; d++, limit *= 10) {
      if (value < limit) {
        out.append('0');
      }
    }
    return out.append(value);
  }

  private Map<RawTable, long[]> insertPartition(Connection connection, Iterator<Row> rows)
      throws SQLException {
    Map<RawTable, Inserter> inserters = new EnumMap<>(RawTable.class);
    try {
      while (rows.hasNext()) {
        Row row = rows.next();
        RawTable table = RawTable.byName(row.getString(0));
        Inserter inserter = inserters.get(table);
        if (inserter == null) {
          inserter = new Inserter(connection, table, DecodedEvents.SCHEMA);
          inserters.put(table, inserter);
        }
        inserter.add(row);
      }
      Map<RawTable, long[]> counts = new EnumMap<>(RawTable.class);
      for (Inserter inserter : inserters.values()) {
        inserter.execute();
        counts.put(inserter.table, new long[] {inserter.rows, inserter.inserted});
      }
      return counts;
    } finally {
      for (Inserter inserter : inserters.values()) {
        inserter.statement.close();
      }
    }
  }

  /** A batched {@code INSERT ... ON CONFLICT DO NOTHING} of one table. */
  private static final class Inserter {
    final RawTable table;
    final PreparedStatement statement;
    final int[] fields;
    long rows;
    long inserted;
    int pending;

    Inserter(Connection connection, RawTable table, StructType schema) throws SQLException {
      this.table = table;
      this.fields =
          table.columns().stream().mapToInt(c -> schema.fieldIndex(c.decodedField())).toArray();
      String placeholders =
          table.columns().stream().map(c -> "?").collect(Collectors.joining(", "));
      this.statement =
          connection.prepareStatement(
              "INSERT INTO "
                  + table.tableName()
                  + " ("
                  + table.columnList()
                  + ") VALUES ("
                  + placeholders
                  + ") ON CONFLICT ("
                  + String.join(", ", table.keyColumns())
                  + ") DO NOTHING");
    }

    void add(Row row) throws SQLException {
      List<RawTable.Column> columns = table.columns();
      for (int i = 0; i < fields.length; i++) {
        int p = i + 1;
        int f = fields[i];
        if (row.isNullAt(f)) {
          statement.setObject(p, null, sqlType(columns.get(i).type()));
          continue;
        }
        switch (columns.get(i).type()) {
          case UUID -> statement.setObject(p, UUID.fromString(row.getString(f)));
          case TEXT -> statement.setString(p, row.getString(f));
          case SMALLINT -> statement.setShort(p, (short) row.getInt(f));
          case INTEGER -> statement.setInt(p, row.getInt(f));
          case BIGINT -> statement.setLong(p, row.getLong(f));
          case TIMESTAMPTZ ->
              statement.setObject(
                  p,
                  OffsetDateTime.ofInstant(Instant.ofEpochMilli(row.getLong(f)), ZoneOffset.UTC));
        }
      }
      statement.addBatch();
      rows++;
      if (++pending == INSERT_BATCH) {
        execute();
      }
    }

    void execute() throws SQLException {
      if (pending == 0) {
        return;
      }
      for (int n : statement.executeBatch()) {
        // reWriteBatchedInserts reports SUCCESS_NO_INFO: the inserted count is then unknown.
        inserted = inserted < 0 || n < 0 ? BatchResult.UNKNOWN : inserted + n;
      }
      pending = 0;
    }

    private static int sqlType(RawTable.ColumnType type) {
      return switch (type) {
        case UUID -> java.sql.Types.OTHER;
        case TEXT -> java.sql.Types.VARCHAR;
        case SMALLINT -> java.sql.Types.SMALLINT;
        case INTEGER -> java.sql.Types.INTEGER;
        case BIGINT -> java.sql.Types.BIGINT;
        case TIMESTAMPTZ -> java.sql.Types.TIMESTAMP_WITH_TIMEZONE;
      };
    }
  }

  /** The mode name as given on the command line. */
  @Override
  public String toString() {
    return "postgres(" + mode.name().toLowerCase(Locale.ROOT) + ")";
  }
}
