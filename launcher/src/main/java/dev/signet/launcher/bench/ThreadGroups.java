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
    BROKER_NETWORK("Kafka broker: network and request handlers"),
    BROKER_OTHER("Kafka broker: controller, log, coordinators, other"),
    PROCESSOR("exchange processor: stream threads"),
    PROCESSOR_OTHER("exchange processor: stage and other threads"),
    BILLING("billing: stream threads"),
    PRODUCER_IO("Kafka producers' I/O threads"),
    CONSUMER_BACKGROUND("Kafka consumers' heartbeat and background threads"),
    TOMCAT("ingress: Tomcat request threads"),
    REPLY_LISTENER("ingress: reply listener"),
    RECEIPT_SINK("receipt store: sink"),
    LOAD_GENERATOR("load generator (bench)"),
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

  private static final List<Rule> RULES =
      List.of(
          new Rule("data-plane-kafk", Group.BROKER_NETWORK),
          new Rule("kafka-request-h", Group.BROKER_NETWORK),
          new Rule("kafka-network-t", Group.BROKER_NETWORK),
          new Rule("kafka-producer-", Group.PRODUCER_IO),
          new Rule("kafka-coordinat", Group.CONSUMER_BACKGROUND),
          new Rule("consumer_backgr", Group.CONSUMER_BACKGROUND),
          new Rule("signet-exchange", Group.PROCESSOR),
          new Rule("signet-billing-", Group.BILLING),
          new Rule("signet-ingress-", Group.REPLY_LISTENER),
          new Rule("signet-receipt-", Group.RECEIPT_SINK),
          new Rule("signet-", Group.PROCESSOR_OTHER),
          new Rule("http-nio-", Group.TOMCAT),
          new Rule("bench-http-", Group.LOAD_GENERATOR),
          new Rule("C2 CompilerThre", Group.JIT),
          new Rule("C1 CompilerThre", Group.JIT),
          new Rule("GC Thread#", Group.GC),
          new Rule("G1 ", Group.GC),
          new Rule("VM ", Group.JVM_OTHER),
          new Rule("kafka-", Group.BROKER_OTHER),
          new Rule("controller-", Group.BROKER_OTHER),
          new Rule("quorum-", Group.BROKER_OTHER),
          new Rule("ReplicaFetcher", Group.BROKER_OTHER),
          new Rule("ExpirationReape", Group.BROKER_OTHER));

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
