package dev.ferry.core.promote;

import dev.ferry.core.InputException;
import dev.ferry.core.config.EnvironmentConfig;
import dev.ferry.core.config.PullRequestConfig;
import dev.ferry.core.forge.ForgeContext;
import dev.ferry.core.forge.Forges;
import dev.ferry.core.forge.PromotionPullRequests;
import dev.ferry.core.forge.PromotionText;
import dev.ferry.core.forge.PullRequest;
import dev.ferry.core.gate.Sleeper;
import java.time.Duration;

/**
 * {@code ferry promote --wait}: after a promotion opened its pull request, waits until the forge
 * merged it. When the base moved and the branch conflicts, the same promotion is written again on
 * the new base (the branch pushed with compare-and-swap, never a merge of the base into it).
 *
 * <pre>{@code
 * PromotionResult r = promoter.promote(request);
 * PullRequestWait.Merged m = new PullRequestWait(promoter, Sleeper.SYSTEM).await(request, r, Duration.ofHours(1));
 * }</pre>
 */
public final class PullRequestWait {

  private final Promoter promoter;
  private final Sleeper sleeper;

  public PullRequestWait(Promoter promoter, Sleeper sleeper) {
    this.promoter = promoter;
    this.sleeper = sleeper;
  }

  /**
   * @param pullRequest the pull request as merged
   * @param commit the commit the merge made on the environment branch
   * @param mergedBy who merged it, when the forge says
   * @param approvedBy the approver read from the forge's reviews while waiting, or null
   */
  public record Merged(PullRequestInfo pullRequest, String commit, String mergedBy, String approvedBy) {
  }

  /**
   * Refuses, before anything is written, a wait that cannot happen: the environment's repository
   * has no {@code pullRequests}, or the promotion does not go as a pull request.
   *
   * @throws InputException naming what to configure (exit 2)
   */
  public void check(PromotionRequest request) {
    EnvironmentConfig env = promoter.config().environment(request.environment());
    if (promoter.config().repoOf(env.name()).pullRequests().isEmpty()) {
      throw new InputException("--wait waits for a pull request, but the repository '" + env.repo() + "' of '"
          + env.name() + "' has no pullRequests", env.location(),
          "add pullRequests under repos." + env.repo() + " (provider, tokenEnv), or drop --wait", null);
    }
    if (!request.pullRequest() && env.mode() != dev.ferry.core.config.PromotionMode.PULL_REQUEST) {
      throw new InputException("--wait waits for a pull request, but '" + env.name() + "' is in mode: direct",
          env.location(), "pass --pr, or set mode: pull-request", null);
    }
  }

  /**
   * @throws dev.ferry.core.RefusedException when it was closed without merging (exit 1)
   * @throws dev.ferry.core.ExternalException when {@code limit} passed first (exit 3); it stays open
   */
  public Merged await(PromotionRequest request, PromotionResult result, Duration limit) {
    if (result.pullRequest() == null) {
      throw new InputException("--wait needs a pull request: '" + result.environment() + "' has no"
          + " pullRequests under its repository '" + result.repo() + "', or nothing was promoted");
    }
    EnvironmentConfig env = promoter.config().environment(result.environment());
    PullRequestConfig config = promoter.config().repoOf(env.name()).pullRequests().orElseThrow();
    // a minute beyond the wait for the rate limits of the last polls
    ForgeContext context = PullRequestStep.forgeContext(promoter.context(), sleeper, limit.plusMinutes(1));
    PromotionPullRequests prs = new PromotionPullRequests(Forges.open(config, context), config, context);
    PromotionText text = promoter.pullRequestText(result.promotionId()).orElseThrow();
    PullRequestInfo info = result.pullRequest();
    PullRequest pr = new PullRequest(info.number(), info.url(), PullRequest.State.OPEN, result.branch(), result.commit(),
        promoter.repoOf(env.name()).branch(), text.title(), text.body(), null, null, false, null);
    PromotionPullRequests.Merged merged = prs.await(pr, text,
        PullRequestStep.approval(env, PullRequestStep.commitTime(promoter.repoOf(env.name()), result.commit())), limit,
        () -> {
          // the same edits, on the base as it is now
          promoter.repoOf(env.name()).fetch();
          promoter.forget(env);
          PromotionResult again = promoter.promote(request);
          return PullRequestStep.commitTime(promoter.repoOf(env.name()), again.commit());
        });
    promoter.repoOf(env.name()).fetch();
    promoter.forget(env);
    return new Merged(info, merged.commit(), merged.mergedBy(), merged.approvedBy().orElse(info.approvedBy()));
  }
}
