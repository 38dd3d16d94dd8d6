package dev.ferry.cli;

import dev.ferry.core.promote.Plan;

/** A plan as people read it: the file diffs, the rendered diff, and the policy's verdict. */
final class PlanText {

  private PlanText() {
  }

  static String of(Plan plan) {
    StringBuilder out = new StringBuilder();
    out.append("Plan: promote to ").append(plan.environment()).append(" (").append(plan.url())
        .append(" ").append(plan.branch()).append(" at ").append(plan.base(), 0, 12).append(")\n");
    plan.images().forEach((s, i) -> out.append("  ").append(s).append(" = ").append(i).append('\n'));
    if (!plan.changesSomething()) {
      out.append("\nNothing to change: the images are already in place.\n");
    }
    for (Plan.FileChangePlan f : plan.files()) {
      if (f.changed()) {
        out.append('\n').append(f.diff());
      }
    }
    if (plan.render() != null) {
      out.append("\nRendered manifests:\n");
      plan.render().changedImages().forEach(c -> out.append("  ~ ").append(c).append('\n'));
      plan.render().otherChanges().forEach(c -> out.append("  ! ").append(c).append('\n'));
    }
    if (plan.refusals().isEmpty()) {
      out.append("\nPolicy: allowed.\n");
    } else {
      out.append("\nPolicy: refused:\n");
      plan.refusals().forEach(r -> out.append("  - ").append(r).append('\n'));
    }
    return out.toString();
  }
}
