package dev.ferry.cli;

import dev.ferry.core.promote.Plan;
import dev.ferry.core.promote.Promoter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code ferry plan}: what a promotion would change, and whether the policy allows it. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Show what promoting SERVICE=IMAGE... to an environment would change. Changes nothing.")
public final class PlanCommand implements Callable<Integer> {

  @Mixin CommonOptions common;
  @Mixin ConfigOptions config;
  @Mixin PromotionOptions promotion;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Console console = Console.of(spec.commandLine());
    try (Promoter promoter = config.promoter(config.load(), !promotion.noResolve, console)) {
      return print(console, promoter.plan(promotion.request()));
    }
  }

  /** Prints a plan; exit 1 when the policy refuses it. */
  static int print(Console console, Plan plan) {
    console.result(plan, PlanText.of(plan));
    return plan.refusals().isEmpty() ? 0 : 1;
  }
}
