package dev.signet.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.launcher.bench.ThreadGroups.Group;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadGroupsTest {

  /** Linux names ({@code comm}) of threads seen in a running {@code ./signet bench sync} JVM. */
  private static final Map<String, Group> SEEN =
      Map.ofEntries(
          Map.entry("data-plane-kafk", Group.BROKER_NETWORK),
          Map.entry("group-coordinat", Group.BROKER_OTHER),
          Map.entry("AddPartitionsTo", Group.BROKER_OTHER),
          Map.entry("TxnMarkerSender", Group.BROKER_OTHER),
          Map.entry("ExpirationReape", Group.BROKER_OTHER),
          Map.entry("executor-Fetch", Group.BROKER_OTHER),
          Map.entry("kafka-1-raft-io", Group.BROKER_OTHER),
          Map.entry("kafka-scheduler", Group.BROKER_OTHER),
          Map.entry("kafka-log-clean", Group.BROKER_OTHER),
          Map.entry("quorum-controll", Group.BROKER_OTHER),
          Map.entry("broker-1-to-con", Group.BROKER_OTHER),
          Map.entry("controller-1-Th", Group.BROKER_OTHER),
          Map.entry("signet-exchange", Group.PROCESSOR),
          Map.entry("signet-billing-", Group.BILLING),
          Map.entry("signet-ledger-w", Group.BILLING),
          Map.entry("signet-forward-", Group.SIGNET_OTHER),
          Map.entry("signet-api-keys", Group.SIGNET_OTHER),
          Map.entry("rocksdb:low", Group.ROCKSDB),
          Map.entry("kafka-producer-", Group.PRODUCER_IO),
          Map.entry("kafka-coordinat", Group.CLIENT_OTHER),
          Map.entry("kafka-admin-cli", Group.CLIENT_OTHER),
          Map.entry("http-nio-auto-1", Group.TOMCAT),
          Map.entry("Catalina-utilit", Group.TOMCAT),
          Map.entry("signet-ingress-", Group.REPLY_LISTENER),
          Map.entry("signet-receipt-", Group.RECEIPT_SINK),
          Map.entry("bench-http-12", Group.LOAD_GENERATOR),
          Map.entry("bench-memory", Group.BENCH_OTHER),
          Map.entry("java", Group.BENCH_OTHER),
          Map.entry("C2 CompilerThre", Group.JIT),
          Map.entry("C1 CompilerThre", Group.JIT),
          Map.entry("GC Thread#1", Group.GC),
          Map.entry("G1 Conc#0", Group.GC),
          Map.entry("G1 Refine#0", Group.GC),
          Map.entry("VM Thread", Group.JVM_OTHER),
          Map.entry("VM Periodic Tas", Group.JVM_OTHER),
          Map.entry("Sweeper thread", Group.JVM_OTHER),
          Map.entry("Notification Th", Group.JVM_OTHER),
          Map.entry("CompletableFutu", Group.OTHER),
          Map.entry("micrometer-kafk", Group.OTHER));

  @Test
  void shouldGroupTheThreadsOfARunningBench() {
    SEEN.forEach((comm, group) -> assertThat(ThreadGroups.of(comm)).as(comm).isEqualTo(group));
  }

  @Test
  void shouldPutKafkaClientThreadsBeforeTheBrokersOtherKafkaThreads() {
    // All three start with "kafka-"; only the first prefix that matches counts.
    assertThat(ThreadGroups.of("kafka-producer-")).isEqualTo(Group.PRODUCER_IO);
    assertThat(ThreadGroups.of("kafka-coordinat")).isEqualTo(Group.CLIENT_OTHER);
    assertThat(ThreadGroups.of("kafka-1-metadat")).isEqualTo(Group.BROKER_OTHER);
  }

  @Test
  void shouldPutTheServicesNamedThreadsBeforeOtherSignetThreads() {
    assertThat(ThreadGroups.of("signet-receipt-")).isEqualTo(Group.RECEIPT_SINK);
    assertThat(ThreadGroups.of("signet-key-tabl")).isEqualTo(Group.SIGNET_OTHER);
  }

  @Test
  void shouldCallUnknownThreadsOther() {
    assertThat(ThreadGroups.of("pool-3-thread-1")).isEqualTo(Group.OTHER);
    assertThat(ThreadGroups.of("")).isEqualTo(Group.OTHER);
  }
}
