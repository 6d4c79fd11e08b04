package io.cinestream.devstack.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool$;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker (combined broker + controller) run in this JVM from the {@code
 * kafka_2.13} artifacts, bound to 127.0.0.1 only.
 *
 * <p>On first start the log directory is formatted (Kafka's {@code StorageTool format}, the same
 * step as {@code kafka-storage.sh format}); later starts reuse it, so topics and offsets survive a
 * restart. Auto topic creation is off: topics come from {@link TopicCreator}.
 */
public final class KafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);

  private final KafkaRaftServer server;
  private final int port;

  private KafkaBroker(KafkaRaftServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /**
   * Formats {@code dataDir} if it is new, then starts the broker and waits until it has started.
   *
   * @param dataDir log directory (created if absent)
   * @param port client listener port on 127.0.0.1
   * @param controllerPort KRaft controller listener port on 127.0.0.1
   * @return the running broker
   * @throws IOException when the directory or config cannot be written
   * @throws IllegalStateException when formatting fails (the tool's output is in the message)
   */
  public static KafkaBroker start(Path dataDir, int port, int controllerPort) throws IOException {
    Files.createDirectories(dataDir);
    Properties props = serverProperties(dataDir, port, controllerPort);
    if (!Files.exists(dataDir.resolve("meta.properties"))) {
      format(dataDir, props);
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
    server.startup();
    LOG.info(
        "Kafka broker up on 127.0.0.1:{} (controller :{}), data in {}",
        port,
        controllerPort,
        dataDir);
    return new KafkaBroker(server, port);
  }

  /** The client bootstrap address, {@code 127.0.0.1:<port>}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Shuts the broker down cleanly and waits for it (a clean shutdown avoids log recovery). */
  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }

  /**
   * The broker's configuration: combined KRaft roles, static single-voter quorum, loopback
   * listeners, replication factors of 1 for the internal topics, no auto-created topics.
   */
  static Properties serverProperties(Path dataDir, int port, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dataDir.toAbsolutePath().toString());
    p.put("num.partitions", "2");
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // Small segments keep the compacted topics (catalogue, _schemas) compacting on a dev box.
    p.put("log.cleaner.threads", "1");
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
    return p;
  }

  private static void format(Path dataDir, Properties props) throws IOException {
    Path config = dataDir.resolveSibling(dataDir.getFileName() + ".format.properties");
    try (OutputStream out = Files.newOutputStream(config)) {
      props.store(out, "written by KafkaBroker for StorageTool format");
    }
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    String clusterId = Uuid.randomUuid().toString();
    int rc;
    try (PrintStream ps = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      rc =
          StorageTool$.MODULE$.execute(
              new String[] {"format", "-t", clusterId, "-c", config.toString()}, ps);
    }
    Files.deleteIfExists(config);
    String output = captured.toString(StandardCharsets.UTF_8).trim();
    if (rc != 0) {
      throw new IllegalStateException("formatting Kafka storage " + dataDir + " failed: " + output);
    }
    LOG.info("Formatted Kafka storage {} (cluster {}): {}", dataDir, clusterId, output);
  }
}
