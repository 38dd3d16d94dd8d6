package dev.ferry.cli;

import dev.ferry.core.promote.Promoter;
import dev.ferry.core.promote.RollbackResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry rollback}: restores a service's previous image in an environment and blocks the current one. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
    description = {"Restore the image a service had before its current one, as a new commit (never a force-push),",
        "block the current image in that environment, and abort its Rollout where a rollout gate names one."})
public final class RollbackCommand implements Callable<Integer> {

  @Mixin CommonOptions common;
  @Mixin ConfigOptions config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--env", required = true, paramLabel = "ENV", description = "The environment.")
  String env;

  @Parameters(index = "0", paramLabel = "SERVICE", description = "The service to roll back.")
  String service;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why; recorded with the block.")
  String reason;

  @Override
  public Integer call() {
    Console console = Console.of(spec.commandLine());
    try (Promoter promoter = config.promoter(config.load(), false, console)) {
      RollbackResult result = promoter.rollback(env, ServiceImages.service(service), reason, promoter.context().user());
      console.result(result, "Rolled back " + service + " in " + env + " to " + result.restored()
          + " (" + result.commit().substring(0, 12) + "); " + result.blocked() + " is blocked there."
          + (result.rolloutsAborted().isEmpty() ? "" : " Aborted Rollout " + String.join(", ", result.rolloutsAborted()) + ".")
          + (result.rolloutAbortFailures().isEmpty() ? ""
              : " Not aborted: " + String.join("; ", result.rolloutAbortFailures()) + "."));
      return 0;
    }
  }
}
