package io.cinestream.devstack;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code devstack consumer-groups --group G [--group G2 ...] [--delete]}: the committed offsets of
 * Kafka consumer groups, or their deletion, through Kafka's {@link Admin} client (the ops package
 * asks it before submitting a Flink metric job: a group with committed offsets and no checkpoint
 * means the job would resume with empty state).
 *
 * <p>Output, one line per committed partition: {@code <group> <topic>/<partition>@<offset>}; with
 * {@code --delete}: {@code deleted <group>} or {@code absent <group>}. Exit 0 on success, 1 when
 * the broker does not answer or a group still has active members (a running job: cancel it first).
 */
@Command(
    name = "consumer-groups",
    description = "Print the committed offsets of consumer groups, or delete the groups.")
final class ConsumerGroupOffsets implements Callable<Integer> {

  @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap.")
  String bootstrap;

  @Option(names = "--group", required = true, description = "A consumer group id (repeatable).")
  List<String> groups;

  @Option(names = "--delete", description = "Delete the groups (and so their committed offsets).")
  boolean delete;

  @Override
  public Integer call() throws InterruptedException {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    try (Admin admin = Admin.create(props)) {
      for (String group : groups) {
        if (delete) {
          System.out.println(deleteGroup(admin, group) + " " + group);
        } else {
          committed(admin, group)
              .forEach(
                  (tp, offset) ->
                      System.out.println(
                          group + " " + tp.topic() + "/" + tp.partition() + "@" + offset));
        }
      }
      return 0;
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      System.err.println(
          "consumer-groups: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
      return 1;
    }
  }

  /** Committed offsets of one group, by topic and partition (empty for an unknown group). */
  static Map<TopicPartition, Long> committed(Admin admin, String group)
      throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(30, TimeUnit.SECONDS);
    Map<TopicPartition, Long> out =
        new TreeMap<>(
            (a, b) ->
                a.topic().equals(b.topic())
                    ? Integer.compare(a.partition(), b.partition())
                    : a.topic().compareTo(b.topic()));
    offsets.forEach(
        (tp, om) -> {
          if (om != null && om.offset() >= 0) {
            out.put(tp, om.offset());
          }
        });
    return out;
  }

  /**
   * Deletes one group.
   *
   * @return {@code deleted}, or {@code absent} when the group did not exist
   * @throws ExecutionException wrapping {@link GroupNotEmptyException} when it has active members
   */
  static String deleteGroup(Admin admin, String group)
      throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
    try {
      admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS);
      return "deleted";
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return "absent";
      }
      throw e;
    }
  }
}
