package io.cinestream.devstack;

import io.cinestream.devstack.kafka.TopicCreator;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.warehouse.SqlDialect;
import io.cinestream.schemas.warehouse.WarehouseConnections;
import io.cinestream.schemas.warehouse.WarehouseDdl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code devstack reset}: what {@code ./pipeline reset} removes from Kafka and the warehouse
 * (docs/operations.md#reset), listed (default) or removed ({@code --execute}).
 *
 * <ul>
 *   <li>{@code topics}: every topic of {@link Topic} (events and catalogue) holding offsets, and
 *       every consumer group with committed offsets on one of them. Topics are deleted with Kafka's
 *       {@link Admin} client and created again empty by {@link TopicCreator} (same partitions and
 *       cleanup policy); the registry's {@code _schemas} topic is kept, so schema ids stay.
 *   <li>{@code warehouse}: every table the PostgreSQL migrations create ({@link
 *       WarehouseDdl#tableNames}) that holds rows, emptied with {@code TRUNCATE} (schema and
 *       Flyway's history stay as they are, so the next start validates), and dbt's schema ({@code
 *       --dbt-schema}) plus its {@code <schema>_*} custom schemas, dropped with {@code CASCADE}
 *       (dbt creates them again on the next build; no Flyway migration owns them).
 * </ul>
 *
 * <p>Output: one tab-separated line per item, {@code topic NAME RECORDS}, {@code group ID}, {@code
 * table NAME ROWS}, {@code schema NAME RELATIONS}; nothing when there is nothing to remove. Exit 0,
 * 1 when Kafka or the warehouse cannot be reached or refuses.
 */
@Command(
    name = "reset",
    description = "List (default) or remove (--execute) the topics, groups, tables, dbt schemas.")
public final class StackReset implements Callable<Integer> {

  @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap.")
  String bootstrap;

  @Option(
      names = "--jdbc-url",
      defaultValue = "jdbc:postgresql://127.0.0.1:5432/cinestream?user=postgres",
      description = "Warehouse JDBC URL.")
  String jdbcUrl;

  @Option(
      names = "--part",
      required = true,
      description = "topics or warehouse (repeatable).",
      split = ",")
  List<String> parts;

  @Option(names = "--dbt-schema", defaultValue = "analytics", description = "dbt's target schema.")
  String dbtSchema;

  @Option(names = "--execute", description = "Remove what is listed (default: only list).")
  boolean execute;

  /** One thing to remove: {@code kind} (topic, group, table, schema), its name, a size. */
  public record Item(String kind, String name, long size) {
    /** The output line: {@code kind<TAB>name[<TAB>size]}. */
    public String render() {
      return "group".equals(kind) ? kind + "\t" + name : kind + "\t" + name + "\t" + size;
    }
  }

  @Override
  public Integer call() throws Exception {
    for (String part : parts) {
      if (!part.equals("topics") && !part.equals("warehouse")) {
        System.err.println("--part must be topics or warehouse, not '" + part + "'");
        return 2;
      }
    }
    List<Item> items = new ArrayList<>();
    try {
      if (parts.contains("topics")) {
        items.addAll(kafka(bootstrap, execute));
      }
      if (parts.contains("warehouse")) {
        items.addAll(warehouse(jdbcUrl, dbtSchema, execute));
      }
    } catch (IllegalStateException | SQLException e) {
      System.err.println(e.getMessage());
      return 1;
    }
    for (Item item : items) {
      System.out.println(item.render());
    }
    return 0;
  }

  private static Admin admin(String bootstrap) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    return Admin.create(props);
  }

  /**
   * The Cinestream topics that hold offsets and the consumer groups with offsets on them; removed
   * (groups first, then topics, recreated empty) when {@code execute}.
   *
   * @param bootstrap e.g. {@code 127.0.0.1:9092}
   * @param execute false: only list
   * @return topics (with their record count: end minus start offsets) and groups, sorted by name
   * @throws IllegalStateException when the broker cannot be reached or refuses
   */
  public static List<Item> kafka(String bootstrap, boolean execute) {
    Set<String> ours = new TreeSet<>();
    for (Topic t : Topic.all()) {
      ours.add(t.topicName());
    }
    try (Admin admin = admin(bootstrap)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      ours.retainAll(existing);
      List<Item> topics = new ArrayList<>();
      Map<String, TopicDescription> described =
          ours.isEmpty() ? Map.of() : admin.describeTopics(ours).allTopicNames().get();
      List<TopicPartition> partitions = new ArrayList<>();
      described
          .values()
          .forEach(
              d ->
                  d.partitions()
                      .forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
      Map<TopicPartition, Long> ends = offsets(admin, partitions, OffsetSpec.latest());
      Map<TopicPartition, Long> starts = offsets(admin, partitions, OffsetSpec.earliest());
      for (String topic : ours) {
        long end = 0;
        long records = 0;
        for (TopicPartition tp : partitions) {
          if (tp.topic().equals(topic)) {
            end += ends.get(tp);
            records += ends.get(tp) - starts.get(tp);
          }
        }
        if (end > 0) {
          topics.add(new Item("topic", topic, records));
        }
      }
      List<Item> groups = new ArrayList<>();
      for (String group : groupsWithOffsetsOn(admin, ours)) {
        groups.add(new Item("group", group, 0));
      }
      if (execute) {
        if (!groups.isEmpty()) {
          admin.deleteConsumerGroups(names(groups)).all().get(30, TimeUnit.SECONDS);
        }
        if (!topics.isEmpty()) {
          admin.deleteTopics(names(topics)).all().get(30, TimeUnit.SECONDS);
          awaitGone(admin, names(topics));
          recreate(bootstrap);
        }
      }
      List<Item> out = new ArrayList<>(topics);
      out.addAll(groups);
      return out;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Kafka on " + bootstrap + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static List<String> names(List<Item> items) {
    return items.stream().map(Item::name).toList();
  }

  private static Map<TopicPartition, Long> offsets(
      Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, spec));
    Map<TopicPartition, Long> out = new HashMap<>();
    if (!request.isEmpty()) {
      admin.listOffsets(request).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
    }
    return out;
  }

  private static Set<String> groupsWithOffsetsOn(Admin admin, Set<String> topics)
      throws InterruptedException, ExecutionException {
    Set<String> groups = new TreeSet<>();
    for (GroupListing listing : admin.listGroups().all().get()) {
      Map<TopicPartition, ?> committed =
          admin
              .listConsumerGroupOffsets(
                  Map.of(listing.groupId(), new ListConsumerGroupOffsetsSpec()))
              .partitionsToOffsetAndMetadata(listing.groupId())
              .get();
      if (committed.keySet().stream().anyMatch(tp -> topics.contains(tp.topic()))) {
        groups.add(listing.groupId());
      }
    }
    return groups;
  }

  /** Topic deletion is asynchronous in KRaft: wait until the names are gone (at most 60 s). */
  private static void awaitGone(Admin admin, Collection<String> deleted)
      throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Set<String> left = new TreeSet<>(admin.listTopics().names().get());
      left.retainAll(deleted);
      if (left.isEmpty()) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("topics still listed 60 s after their deletion: " + deleted);
  }

  /** Creates the topics again; a name still marked for deletion is retried for up to 60 s. */
  private static void recreate(String bootstrap) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        TopicCreator.ensureTopics(bootstrap);
        return;
      } catch (IllegalStateException e) {
        if (!(e.getCause() instanceof ExecutionException ee
                && ee.getCause() instanceof TopicExistsException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  /**
   * The migrations' tables that hold rows and dbt's schemas; emptied (TRUNCATE) and dropped (DROP
   * SCHEMA ... CASCADE) in one transaction when {@code execute}.
   *
   * @param jdbcUrl the warehouse (password: {@link WarehouseConnections#properties})
   * @param dbtSchema dbt's target schema; {@code <dbtSchema>_*} schemas are dbt's too
   * @param execute false: only list
   * @return tables (with row counts) and schemas (with their relation counts)
   * @throws SQLException when the warehouse cannot be reached or refuses
   */
  public static List<Item> warehouse(String jdbcUrl, String dbtSchema, boolean execute)
      throws SQLException {
    List<Item> items = new ArrayList<>();
    try (Connection c =
        DriverManager.getConnection(
            jdbcUrl, WarehouseConnections.properties(jdbcUrl, System.getenv()))) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        for (String table : WarehouseDdl.tableNames(SqlDialect.POSTGRES)) {
          try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            if (rs.getLong(1) > 0) {
              items.add(new Item("table", table, rs.getLong(1)));
            }
          }
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT n.nspname, count(cl.oid) FROM pg_namespace n"
                  + " LEFT JOIN pg_class cl ON cl.relnamespace = n.oid AND cl.relkind IN"
                  + " ('r','v','m','p','f') WHERE n.nspname = ? OR n.nspname LIKE ? ESCAPE '!'"
                  + " GROUP BY n.nspname ORDER BY n.nspname")) {
        ps.setString(1, dbtSchema);
        ps.setString(2, dbtSchema.replace("!", "!!").replace("_", "!_").replace("%", "!%") + "!_%");
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            items.add(new Item("schema", rs.getString(1), rs.getLong(2)));
          }
        }
      }
      if (execute && !items.isEmpty()) {
        try (Statement st = c.createStatement()) {
          List<String> tables =
              items.stream().filter(i -> i.kind().equals("table")).map(Item::name).toList();
          if (!tables.isEmpty()) {
            st.execute("TRUNCATE " + String.join(", ", tables));
          }
          for (Item i : items) {
            if (i.kind().equals("schema")) {
              st.execute("DROP SCHEMA \"" + i.name().replace("\"", "\"\"") + "\" CASCADE");
            }
          }
        }
      }
      c.commit();
    }
    return items;
  }
}
