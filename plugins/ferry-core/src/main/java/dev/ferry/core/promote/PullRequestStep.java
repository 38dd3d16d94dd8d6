package dev.ferry.core.promote;

import dev.ferry.core.Durations;
import dev.ferry.core.config.EnvironmentConfig;
import dev.ferry.core.config.PullRequestConfig;
import dev.ferry.core.forge.ForgeContext;
import dev.ferry.core.forge.Forges;
import dev.ferry.core.forge.PromotionPullRequests;
import dev.ferry.core.forge.PromotionText;
import dev.ferry.core.gate.Sleeper;
import dev.ferry.core.git.ChangeSet;
import dev.ferry.core.git.EnvRepo;
import dev.ferry.core.git.PushResult;
import dev.ferry.core.history.BlockRecord;
import dev.ferry.core.history.Evidence;
import dev.ferry.core.history.Trailers;
import org.eclipse.jgit.lib.PersonIdent;
import dev.ferry.core.git.Trailer;
import dev.ferry.core.history.History;
import dev.ferry.core.image.ImageRef;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Pull-request mode's forge side of a promotion: what the pull request says, and its opening or
 * update once the branch is pushed. The {@link Promoter} calls it; the forge package does the rest.
 */
final class PullRequestStep {

  /** How long the forge calls of a promotion without {@code --wait} may wait out rate limits. */
  static final Duration PUBLISH_BUDGET = Duration.ofMinutes(10);

  private PullRequestStep() {
  }

  static ForgeContext forgeContext(PromoterContext context, Sleeper sleeper, Duration budget) {
    return new ForgeContext(context.env(), context.clock(), sleeper, context.clock().instant().plus(budget),
        context.listener());
  }

  static PromotionText text(EnvironmentConfig env, String id, String title, Plan plan, List<Trailer> trailers,
      String source, Function<String, History> historyOf, boolean reviewIsApproval) {
    Map<String, String> images = new LinkedHashMap<>();
    plan.images().forEach((s, i) -> images.put(s, i.toString()));
    Map<String, String> diffs = new LinkedHashMap<>();
    plan.files().stream().filter(Plan.FileChangePlan::changed).forEach(f -> diffs.put(f.path(), f.diff()));
    List<String> policy = new ArrayList<>();
    env.after().ifPresent(upstream -> {
      History there = historyOf.apply(upstream);
      plan.images().forEach((s, i) -> there.firstVerified(upstream, s, i).ifPresent(at -> policy.add(
          s + " " + describe(i) + " verified in " + upstream + " at " + at
              + (env.soak().isZero() ? "" : ", soaked " + Durations.format(env.soak()) + " or more"))));
    });
    policy.add("no promoted version is blocked in " + env.name());
    if (env.approvalRequired()) {
      policy.add(reviewIsApproval
          ? "approval required: an approving review on this pull request by "
              + (env.approvers().isEmpty() ? "anyone with review rights" : "one of " + String.join(", ", env.approvers()))
              + ", given after the last push"
          : "approval required");
    }
    if (plan.render() != null) {
      policy.add("rendered manifests: only the images change");
    }
    String render = plan.render() == null ? null : plan.render().unifiedDiff();
    return new PromotionText(env.name(), id, title, images, diffs, render, policy, source, trailers);
  }

  static PullRequestInfo publish(PullRequestConfig config, ForgeContext context, PromotionText text, String head,
      String base, EnvironmentConfig env, Instant lastPush) {
    PromotionPullRequests prs = new PromotionPullRequests(Forges.open(config, context), config, context);
    PromotionPullRequests.Published p = prs.publish(text, head, base, approval(env, lastPush));
    return new PullRequestInfo(p.pullRequest().number(), p.pullRequest().url(), p.opened(),
        p.superseded().stream().map(dev.ferry.core.forge.PullRequest::number).toList(), p.approvedBy().orElse(null));
  }

  /** How long a rollback in pull-request mode waits for its pull request to land. */
  static final Duration ROLLBACK_WAIT = Duration.ofMinutes(30);

  /**
   * A rollback under branch protection: the revert pushed to {@code ferry/<env>/<id>}, opened with
   * the label {@code rollback} and auto-merge, waited for; the block is written onto the commit that
   * landed, so a version is blocked only when its rollback is in.
   */
  static PushResult rollBack(Promoter promoter, EnvRepo repo, EnvironmentConfig env, PullRequestConfig config,
      String id, ChangeSet changes, BlockRecord block, PersonIdent author, Sleeper sleeper) {
    String branch = "ferry/" + env.name() + "/" + id;
    PushResult pushed = repo.pushBranch(branch, new ChangeSet(changes.changes(), changes.subject(), changes.body(),
        changes.trailers(), null), author);
    List<String> labels = new ArrayList<>(config.labels());
    if (!labels.contains("rollback")) {
      labels.add("rollback");
    }
    PullRequestConfig rollbackConfig = new PullRequestConfig(config.provider(), config.api(), config.repository(),
        config.tokenEnv(), config.app(), true, config.mergeMethod(), labels, config.reviewers(), config.location());
    ForgeContext context = forgeContext(promoter.context(), sleeper, ROLLBACK_WAIT.plusMinutes(1));
    PromotionPullRequests prs = new PromotionPullRequests(Forges.open(rollbackConfig, context), rollbackConfig, context);
    PromotionText text = new PromotionText(env.name(), id, changes.subject(),
        Map.of(block.service(), changes.trailers().stream().filter(t -> t.key().equals(Trailers.IMAGE))
            .map(Trailer::value).findFirst().orElse("")),
        Map.of(), null, List.of(changes.body().replace('\n', ' ')), null, changes.trailers());
    PromotionPullRequests.Approval none = new PromotionPullRequests.Approval(false, List.of(), Instant.EPOCH);
    PromotionPullRequests.Published published = prs.publish(text, branch, repo.branch(), none);
    PromotionPullRequests.Merged merged = prs.await(published.pullRequest(), text, none, ROLLBACK_WAIT, () -> {
      repo.fetch();
      return commitTime(repo, repo.pushBranch(branch, new ChangeSet(changes.changes(), changes.subject(), changes.body(),
          changes.trailers(), null), author).commit());
    });
    repo.fetch();
    String landed = merged.commit() != null ? merged.commit() : repo.head();
    // the block, with the state index in the same push
    promoter.updateNotes(env.name(), Map.of(landed, old -> Evidence.parse(old).withBlock(block).toJson()));
    return new PushResult(landed, pushed.previousHead(), false, pushed.attempts(), pushed.changedPaths());
  }

  static PromotionPullRequests.Approval approval(EnvironmentConfig env, Instant lastPush) {
    return new PromotionPullRequests.Approval(env.approvalRequired(), env.approvers(), lastPush);
  }

  /**
   * When Ferry made a commit of the mirror (its author time, from the promoter's clock): the time of
   * the last push to its pull-request branch.
   */
  static Instant commitTime(EnvRepo repo, String commit) {
    try (Repository r = new FileRepositoryBuilder().setGitDir(repo.mirror().toFile()).setBare().build();
        RevWalk rw = new RevWalk(r)) {
      return rw.parseCommit(ObjectId.fromString(commit)).getAuthorIdent().getWhenAsInstant();
    } catch (IOException | IllegalArgumentException e) {
      // unknown here: count no review given before now
      return Instant.now();
    }
  }

  private static String describe(ImageRef i) {
    return i.tagValue().orElse(i.digestValue().orElse(i.toString()));
  }
}
