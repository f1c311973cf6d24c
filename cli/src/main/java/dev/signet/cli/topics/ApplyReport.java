package dev.signet.cli.topics;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The outcome of {@link TopicApplier#apply}: one result per wanted topic, in the table's order. */
public record ApplyReport(List<TopicResult> results, boolean dryRun) {

  public ApplyReport {
    results = List.copyOf(results);
  }

  /** A request-partitioned topic has another partition count: nothing was created. */
  public boolean hasErrors() {
    return count(TopicResult.Action.ERROR) > 0;
  }

  /** The names of the topics this run created. */
  public Set<String> created() {
    Set<String> names = new TreeSet<>();
    for (TopicResult result : results) {
      if (result.action() == TopicResult.Action.CREATED) {
        names.add(result.topic());
      }
    }
    return names;
  }

  public long count(TopicResult.Action action) {
    return results.stream().filter(r -> r.action() == action).count();
  }

  /** Every result that is an error, one per line, for an exception message or a log. */
  public String describeErrors() {
    StringBuilder text = new StringBuilder();
    for (TopicResult result : results) {
      if (result.action() == TopicResult.Action.ERROR) {
        text.append(result.topic()).append(": ").append(result.detail()).append('\n');
      }
    }
    return text.toString().strip();
  }
}
