package dev.signet.launcher.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The CPU profile of every measured run as one markdown table, ready to paste into the README: a
 * row per thread group, a column per run, each cell the group's µs per exchange and its share of
 * the run's CPU. Groups no run spent anything in have no row.
 */
final class ProfileTable {

  /** One run: its name, profile and exchanges. */
  record Run(String name, CpuProfile profile, long exchanges) {}

  private final List<Run> runs = new ArrayList<>();

  void add(Run run) {
    runs.add(run);
  }

  String markdown() {
    List<Run> known = runs.stream().filter(r -> r.profile().known()).toList();
    if (known.isEmpty()) {
      return "CPU per exchange by thread group: unknown (no /proc)\n";
    }
    StringBuilder table = new StringBuilder();
    table.append("CPU per exchange by thread group (share of the run's CPU)\n\n");
    table.append("| thread group |");
    known.forEach(r -> table.append(' ').append(r.name()).append(" |"));
    table.append("\n|---|");
    known.forEach(r -> table.append("---:|"));
    table.append('\n');
    for (ThreadGroups.Group group : ThreadGroups.Group.values()) {
      if (known.stream().allMatch(r -> r.profile().nanos(group) == 0)) {
        continue;
      }
      table.append("| ").append(group.label()).append(" |");
      for (Run run : known) {
        table
            .append(' ')
            .append(
                CpuProfile.cell(
                    run.profile().nanos(group), run.exchanges(), run.profile().totalNanos()))
            .append(" |");
      }
      table.append('\n');
    }
    table.append("| **total** |");
    for (Run run : known) {
      long total = run.profile().totalNanos();
      table.append(' ').append(CpuProfile.cell(total, run.exchanges(), total)).append(" |");
    }
    return table.append('\n').toString();
  }
}
