package dev.signet.launcher.bench;

import java.util.List;

/**
 * Which part of local mode a thread of the bench JVM works for, from its Linux name ({@code comm}:
 * the first 15 characters of the Java name, or the JVM's own name for its internal threads). An
 * ordered prefix table: the first prefix that matches wins, so a longer, more specific prefix comes
 * before a shorter one it starts with. Prefixes come from the threads of a running bench.
 */
final class ThreadGroups {

  /** The groups, in the order the profile table lists them. */
  enum Group {
    BROKER_NETWORK("Kafka broker: network and request handler threads"),
    BROKER_OTHER("Kafka broker: coordinators, purgatories, controller, log, other"),
    PROCESSOR("exchange processor: Kafka Streams threads"),
    BILLING("billing aggregator: Kafka Streams threads, ledger worker"),
    SIGNET_OTHER("other Signet threads (forwarder deadlines, key table, API key reload)"),
    ROCKSDB("RocksDB background threads (state stores)"),
    PRODUCER_IO("Kafka producers' I/O threads (every client's)"),
    CLIENT_OTHER("Kafka clients: consumer heartbeat, admin"),
    TOMCAT("ingress: Tomcat threads (requests, poller, acceptor)"),
    REPLY_LISTENER("ingress: reply listeners"),
    RECEIPT_SINK("receipt store: sink"),
    LOAD_GENERATOR("bench: load generator"),
    BENCH_OTHER("bench: main thread, memory sampler"),
    JIT("JVM: JIT compilers"),
    GC("JVM: garbage collector"),
    JVM_OTHER("JVM: other internal threads"),
    OTHER("other threads"),
    ENDED("threads that ended within the run"),
    POSTGRESQL("PostgreSQL");

    private final String label;

    Group(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  private record Rule(String prefix, Group group) {}

  /**
   * Java names cut to 15 characters often share a prefix: {@code data-plane-kafka-network-thread-…}
   * and {@code data-plane-kafka-request-handler-…} are both {@code data-plane-kafk}, a Streams
   * app's stream, global and state updater threads all start with its application id, and Tomcat's
   * executor, poller and acceptor threads with {@code http-nio-auto-1}: each such set is one group.
   */
  private static final List<Rule> RULES =
      List.of(
          // Kafka clients first: the broker's own threads are the other "kafka-…" ones.
          new Rule("kafka-producer-", Group.PRODUCER_IO),
          new Rule("kafka-coordinat", Group.CLIENT_OTHER),
          new Rule("kafka-admin-cli", Group.CLIENT_OTHER),
          new Rule("consumer_backgr", Group.CLIENT_OTHER),
          new Rule("data-plane-kafk", Group.BROKER_NETWORK),
          new Rule("kafka-", Group.BROKER_OTHER),
          new Rule("broker-", Group.BROKER_OTHER),
          new Rule("controller-", Group.BROKER_OTHER),
          new Rule("quorum-", Group.BROKER_OTHER),
          new Rule("raft-", Group.BROKER_OTHER),
          new Rule("executor-", Group.BROKER_OTHER),
          new Rule("group-coordinat", Group.BROKER_OTHER),
          new Rule("share-", Group.BROKER_OTHER),
          new Rule("persister-", Group.BROKER_OTHER),
          new Rule("PersisterState", Group.BROKER_OTHER),
          new Rule("transaction-", Group.BROKER_OTHER),
          new Rule("client-metrics-", Group.BROKER_OTHER),
          new Rule("metrics-meter-", Group.BROKER_OTHER),
          new Rule("ExpirationReape", Group.BROKER_OTHER),
          new Rule("TxnMarkerSender", Group.BROKER_OTHER),
          new Rule("AddPartitionsTo", Group.BROKER_OTHER),
          new Rule("ReplicaFetcher", Group.BROKER_OTHER),
          new Rule("LogDirFailure", Group.BROKER_OTHER),
          new Rule("SensorExpiry", Group.BROKER_OTHER),
          new Rule("ThrottledChann", Group.BROKER_OTHER),
          new Rule("signet-exchange", Group.PROCESSOR),
          new Rule("signet-billing-", Group.BILLING),
          new Rule("signet-ledger-", Group.BILLING),
          new Rule("signet-ingress-", Group.REPLY_LISTENER),
          new Rule("signet-receipt-", Group.RECEIPT_SINK),
          new Rule("signet-", Group.SIGNET_OTHER),
          new Rule("rocksdb:", Group.ROCKSDB),
          new Rule("http-nio-", Group.TOMCAT),
          new Rule("Catalina-", Group.TOMCAT),
          new Rule("container-", Group.TOMCAT),
          new Rule("bench-http-", Group.LOAD_GENERATOR),
          new Rule("bench-", Group.BENCH_OTHER),
          // The launcher's main thread: the JVM leaves it the process's name.
          new Rule("java", Group.BENCH_OTHER),
          new Rule("C2 CompilerThre", Group.JIT),
          new Rule("C1 CompilerThre", Group.JIT),
          new Rule("GC Thread#", Group.GC),
          new Rule("G1 ", Group.GC),
          new Rule("VM ", Group.JVM_OTHER),
          new Rule("Sweeper thread", Group.JVM_OTHER),
          new Rule("Service Thread", Group.JVM_OTHER),
          new Rule("Signal Dispatch", Group.JVM_OTHER),
          new Rule("Reference Handl", Group.JVM_OTHER),
          new Rule("Finalizer", Group.JVM_OTHER),
          new Rule("Monitor Deflati", Group.JVM_OTHER),
          new Rule("Notification Th", Group.JVM_OTHER),
          new Rule("Common-Cleaner", Group.JVM_OTHER));

  private ThreadGroups() {}

  /** The group of the thread called {@code comm}; {@link Group#OTHER} if no prefix matches. */
  static Group of(String comm) {
    for (Rule rule : RULES) {
      if (comm.startsWith(rule.prefix())) {
        return rule.group();
      }
    }
    return Group.OTHER;
  }
}
