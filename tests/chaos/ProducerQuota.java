import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;

/**
 * Sets a broker-side produce quota ({@code producer_byte_rate}) on one Kafka client id, so that the
 * chaos test's generator produces its workload over a predictable wall time instead of in two
 * seconds, and the faults land while every consumer is busy. Kafka enforces the quota by delaying
 * the client's produce responses (the standard client quota mechanism, KIP-13/KIP-257).
 *
 * <p>Run as a single-file program on the devstack class path (it holds kafka-clients): {@code java
 * -cp 'devstack/target/devstack.jar:devstack/target/lib/*' tests/chaos/ProducerQuota.java
 * BOOTSTRAP CLIENT_ID BYTES_PER_SECOND}. Exit status 0 when the broker accepted the quota, 1 on any
 * error (broker unreachable within 30 s, quota rejected), 2 on bad arguments.
 */
public final class ProducerQuota {

  private ProducerQuota() {}

  /**
   * @param args bootstrap servers, client id, bytes per second (a positive number)
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: ProducerQuota BOOTSTRAP CLIENT_ID BYTES_PER_SECOND");
      System.exit(2);
    }
    double rate = Double.parseDouble(args[2]);
    if (!(rate > 0)) {
      System.err.println("BYTES_PER_SECOND must be positive, got " + args[2]);
      System.exit(2);
    }
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    try (Admin admin = Admin.create(props)) {
      ClientQuotaEntity entity = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, args[1]));
      admin
          .alterClientQuotas(
              List.of(
                  new ClientQuotaAlteration(
                      entity, List.of(new ClientQuotaAlteration.Op("producer_byte_rate", rate)))))
          .all()
          .get(30, TimeUnit.SECONDS);
      System.out.printf("producer_byte_rate=%.0f B/s for client.id %s%n", rate, args[1]);
    } catch (Exception e) {
      System.err.println("cannot set the quota on " + args[0] + ": " + e);
      System.exit(1);
    }
  }
}
