package dev.ferry.cli;

import dev.ferry.core.promote.Plan;
import dev.ferry.core.promote.PromotionRequest;
import dev.ferry.core.promote.Promoter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry plan}: what a promotion would change, and whether the policy allows it. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Show what promoting SERVICE=IMAGE... to an environment would change. Changes nothing.")
public final class PlanCommand implements Callable<Integer> {

  @Mixin CommonOptions common;
  @Mixin ConfigOptions config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "SERVICE=IMAGE", description = "Services and their new images.")
  List<String> images;

  @Option(names = "--to", required = true, paramLabel = "ENV", description = "The environment.")
  String to;

  @Option(names = "--no-resolve", description = "Do not ask the registry for digests; write references as given.")
  boolean noResolve;

  @Option(names = "--approved-by", paramLabel = "NAME", description = "Who approved, for environments that require it.")
  String approvedBy;

  @Override
  public Integer call() {
    Console console = Console.of(spec.commandLine());
    PromotionRequest request = PromotionRequest.to(to).resolveDigests(!noResolve).approvedBy(approvedBy);
    for (var e : ServiceImages.parse(images).entrySet()) {
      request = request.image(e.getKey(), e.getValue());
    }
    try (Promoter promoter = config.promoter(config.load(), !noResolve, console)) {
      Plan plan = promoter.plan(request);
      console.result(plan, PlanText.of(plan));
      return plan.refusals().isEmpty() ? 0 : 1;
    }
  }
}
