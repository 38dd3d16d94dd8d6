package dev.ferry.cli;

import dev.ferry.core.gate.Sleeper;
import dev.ferry.core.promote.PromotionRequest;
import dev.ferry.core.promote.PromotionResult;
import dev.ferry.core.promote.Promoter;
import dev.ferry.core.promote.PullRequestWait;
import dev.ferry.core.promote.Verifier;
import dev.ferry.core.promote.VerifyResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry promote}: writes images into an environment as one commit. */
@Command(name = "promote", mixinStandardHelpOptions = true,
    description = {"Write SERVICE=IMAGE... into an environment's repository as one commit.",
        "Tags are pinned to digests from the registry; the policy (after, soak, approval, blocks) is checked first."})
public final class PromoteCommand implements Callable<Integer> {

  @Mixin CommonOptions common;
  @Mixin ConfigOptions config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin PromotionOptions promotion;

  @Option(names = "--dry-run", description = "Only plan: the same as 'ferry plan'.")
  boolean dryRun;

  @Option(names = "--pr", description = "Push a pull-request branch instead of the environment branch.")
  boolean pullRequest;

  @Option(names = "--message", paramLabel = "TEXT", description = "The commit subject.")
  String message;

  @Option(names = "--source", paramLabel = "URL", description = "The CI build that promotes (default: BUILD_URL or the GitHub run URL).")
  String source;

  @Option(names = "--source-commit", paramLabel = "SHA",
      description = "The application commit the images were built from, for lead time (default: GIT_COMMIT or GITHUB_SHA).")
  String sourceCommit;

  @Option(names = "--source-time", paramLabel = "TIME",
      description = "That commit's time, ISO-8601 (default: read from the git checkout in the working directory).")
  String sourceTime;

  @Option(names = "--verify", description = "Verify after promoting; with rollback: auto, roll back when a gate fails.")
  boolean verify;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "With --verify: how long the gates may take (default: the environment's gateTimeout).")
  String timeout;

  @Option(names = "--junit", paramLabel = "FILE", description = "With --verify: also write the gate results as JUnit XML.")
  java.nio.file.Path junit;

  @Option(names = "--wait", arity = "0..1", paramLabel = "DURATION", fallbackValue = "60m",
      description = {"Pull-request mode: wait until the pull request is merged (then --verify runs on the merged commit)"
          + " or closed (exit 1); past DURATION (default 60m) exit 3, the pull request left open."})
  String wait;

  @Override
  public Integer call() {
    Console console = Console.of(spec.commandLine());
    PromotionRequest request = promotion.request().pullRequest(pullRequest).message(message)
        .source(source != null ? source : CiSource.buildUrl())
        .sourceCommit(SourceCommits.of(sourceCommit != null ? sourceCommit : CiSource.commit(), sourceTime, console));
    try (Promoter promoter = config.promoter(config.load(), !promotion.noResolve, console)) {
      if (dryRun) {
        return PlanCommand.print(console, promoter.plan(request));
      }
      if (wait != null) {
        return promoteAndWait(console, promoter, request, DurationOption.parse("--wait", wait));
      }
      if (!verify) {
        PromotionResult result = promoter.promote(request);
        console.result(Results.promote(result, null), null);
        return 0;
      }
      Duration limit = timeout == null ? null : DurationOption.parse("--timeout", timeout);
      Verifier.PromoteVerifyResult result = new Verifier(promoter, Sleeper.SYSTEM).promoteAndVerify(request, limit);
      console.result(Results.promote(result.promotion(), result.verification()), null);
      if (junit != null && result.verification() != null) {
        VerifyCommand.writeJunit(junit, result.verification());
      }
      result.failure().ifPresent(f -> console.say("ferry: verification of '" + request.environment() + "' failed: " + f
          + (result.verification().rollbacks().isEmpty() ? "" : "; rolled back")));
      result.rollbackErrors().forEach(e -> console.say("ferry: could not roll back " + e));
      return Results.exitCode(result.verification());
    }
  }

  private int promoteAndWait(Console console, Promoter promoter, PromotionRequest request, Duration limit) {
    PullRequestWait waiting = new PullRequestWait(promoter, Sleeper.SYSTEM);
    waiting.check(request);
    PromotionResult result = promoter.promote(request);
    if (result.pullRequest() != null) {
      console.say("ferry: pull request " + result.pullRequest().url() + "; waiting up to " + wait + " for its merge");
    }
    PullRequestWait.Merged merged = waiting.await(request, result, limit);
    VerifyResult verified = null;
    if (verify) {
      Duration gateLimit = timeout == null ? null : DurationOption.parse("--timeout", timeout);
      verified = new Verifier(promoter, Sleeper.SYSTEM)
          .verify(request.environment(), List.copyOf(request.images().keySet()), gateLimit);
    }
    Map<String, Object> out = Results.promote(result, verified);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("commit", merged.commit());
    m.put("mergedBy", merged.mergedBy());
    m.put("approvedBy", merged.approvedBy());
    out.put("merged", m);
    console.result(out, null);
    if (verified == null) {
      return 0;
    }
    if (junit != null) {
      VerifyCommand.writeJunit(junit, verified);
    }
    verified.failure().ifPresent(f -> console.say("ferry: verification of '" + request.environment() + "' failed: "
        + f.gate() + " " + f.status() + ": " + f.reason()));
    return Results.exitCode(verified);
  }
}
