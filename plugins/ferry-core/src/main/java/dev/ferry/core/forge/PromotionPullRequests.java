package dev.ferry.core.forge;

import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.RefusedException;
import dev.ferry.core.config.PullRequestConfig;
import dev.ferry.core.git.Trailer;
import dev.ferry.core.history.Trailers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The pull request of a promotion: opened once per promotion branch (a retry finds and updates the
 * same one), older promotions of the same services to the same environment superseded, auto-merge
 * asked for, reviews read as approvals, and the wait until it is merged or closed.
 *
 * <pre>{@code
 * PromotionPullRequests prs = new PromotionPullRequests(Forges.open(config, ctx), config, ctx);
 * Published p = prs.publish(text, "ferry/prod/1a2b3c", "main", approval);
 * Merged m = prs.await(p.pullRequest(), text, approval, Duration.ofHours(1), repush);
 * }</pre>
 */
public final class PromotionPullRequests {

  /** The approval source recorded for an approving review read from the forge. */
  public static final String REVIEW_SOURCE = "pull-request-review";
  static final Duration POLL = Duration.ofSeconds(15);
  private static final String TOPIC = "pull-request";

  private final PullRequests forge;
  private final PullRequestConfig config;
  private final ForgeContext context;

  public PromotionPullRequests(PullRequests forge, PullRequestConfig config, ForgeContext context) {
    this.forge = forge;
    this.config = config;
    this.context = context;
  }

  /**
   * What the approval needs: whether a review must approve, by whom (empty: anyone), and when the
   * branch was last pushed (reviews before count no more).
   */
  public record Approval(boolean required, List<String> approvers, Instant lastPush) {
    public Approval {
      approvers = List.copyOf(approvers);
    }
  }

  /**
   * @param pullRequest the pull request, as after the update
   * @param opened true when this call opened it, false when it found it
   * @param superseded older promotions' pull requests it closed
   * @param approvedBy the approver whose fresh review approves it, when required and given
   */
  public record Published(PullRequest pullRequest, boolean opened, List<PullRequest> superseded,
      Optional<String> approvedBy) {
  }

  /** A merged pull request: the commit the merge made, and who merged it. */
  public record Merged(PullRequest pullRequest, String commit, String mergedBy, Optional<String> approvedBy) {
  }

  /** Opens the promotion's pull request or updates the one a retry finds; supersedes older ones. */
  public Published publish(PromotionText text, String head, String base, Approval approval) {
    List<PullRequest> open = forge.listOpen(base);
    Optional<PullRequest> existing = open.stream().filter(p -> p.head().equals(head)).findFirst();
    PullRequest pr;
    Optional<String> approvedBy = Optional.empty();
    if (existing.isPresent()) {
      pr = existing.get();
      approvedBy = approval.required() ? approvedBy(pr, approval) : Optional.empty();
      PromotionText now = approvedBy.map(a -> withApproval(text, a)).orElse(text);
      if (!now.title().equals(pr.title()) || !now.body().equals(pr.body())) {
        forge.update(pr, now.title(), now.body());
      }
      say("updated " + describe(pr));
    } else {
      pr = forge.open(new PullRequestDraft(head, base, text.title(), text.body()));
      if (!config.labels().isEmpty()) {
        forge.label(pr, config.labels());
      }
      if (!config.reviewers().isEmpty()) {
        forge.requestReviewers(pr, config.reviewers());
      }
      say("opened " + describe(pr));
    }
    List<PullRequest> superseded = new ArrayList<>();
    for (PullRequest other : open) {
      if (other.number().equals(pr.number())) {
        continue;
      }
      Optional<PromotionText.Block> block = PromotionText.block(other.body());
      if (block.isPresent() && block.get().environment().equals(text.environment())
          && !block.get().promotionId().equals(text.promotionId())
          && block.get().images().keySet().stream().anyMatch(text.images()::containsKey)) {
        forge.comment(other, "Superseded by " + describe(pr) + ": a newer promotion of "
            + String.join(", ", block.get().images().keySet()) + " to " + text.environment() + ".");
        forge.close(other);
        superseded.add(other);
        say("closed " + describe(other) + ", superseded by #" + pr.number());
      }
    }
    if (config.autoMerge() && (!approval.required() || approvedBy.isPresent())) {
      PromotionText merged = approvedBy.map(a -> withApproval(text, a)).orElse(text);
      boolean on = forge.enableAutoMerge(pr, config.mergeMethod(), mergeTitle(merged, pr), merged.commitMessage());
      say(on ? "auto-merge (" + config.mergeMethod().key() + ") is on for " + describe(pr)
          : forge.forge() + " has no auto-merge and cannot merge " + describe(pr) + " yet; 'ferry promote --wait'"
              + " merges it once it can");
    }
    return new Published(pr, existing.isEmpty(), superseded, approvedBy);
  }

  /**
   * The approver whose approving review counts: the reviewer's latest review approves, it is fresh
   * (given after the last push), and the reviewer is one of the approvers (anyone when none are
   * named). Read from the forge's API, never from the pull request's text.
   */
  public Optional<String> approvedBy(PullRequest pr, Approval approval) {
    Map<String, Review> latest = new LinkedHashMap<>();
    for (Review r : forge.reviews(pr)) {
      latest.put(r.author(), r);
    }
    for (Review r : latest.values()) {
      if (!r.approved()) {
        continue;
      }
      if (!r.freshFor(pr.headCommit(), approval.lastPush())) {
        say("the approval by " + Text.oneLine(r.author()) + " is older than the last push to "
            + pr.head() + "; it does not count");
        continue;
      }
      if (approval.approvers().isEmpty() || approval.approvers().contains(r.author())) {
        return Optional.of(r.author());
      }
      say(Text.oneLine(r.author()) + " approved " + describe(pr) + " but is not an approver ("
          + String.join(", ", approval.approvers()) + ")");
    }
    return Optional.empty();
  }

  /**
   * Waits until the pull request is merged, polling the forge. On the way: an approval given
   * goes into the description (and into the auto-merge's commit message); a conflict with a base
   * that moved makes {@code repush} re-apply the promotion on the new base.
   *
   * @param repush pushes the promotion again on the current base; returns the new head commit's time
   * @throws RefusedException when it is closed without merging (exit 1), naming who closed it
   * @throws ExternalException when {@code limit} passes first (exit 3); the pull request stays open
   */
  public Merged await(PullRequest pr, PromotionText text, Approval approval, Duration limit, Supplier<Instant> repush) {
    Instant deadline = context.clock().instant().plus(limit);
    Approval current = approval;
    String recorded = null;
    String lastConflictHead = null;
    // set when auto-merge is on at the forge; a forge without it is merged from here once it can be
    boolean forgeMerges = false;
    while (true) {
      PullRequest now = forge.get(pr.number());
      switch (now.state()) {
        case MERGED -> {
          say(describe(now) + " was merged" + (now.closedBy() == null ? "" : " by " + Text.oneLine(now.closedBy())));
          return new Merged(now, now.mergeCommit(), now.closedBy(), Optional.ofNullable(recorded));
        }
        case CLOSED -> throw new RefusedException(describe(now) + " was closed without merging"
            + (now.closedBy() == null ? "" : " by " + Text.oneLine(now.closedBy())) + "; nothing was promoted",
            "promote again to open a new pull request");
        default -> { }
      }
      if (current.required() && recorded == null) {
        Optional<String> by = approvedBy(now, current);
        if (by.isPresent()) {
          recorded = by.get();
          PromotionText approved = withApproval(text, recorded);
          forge.update(now, approved.title(), approved.body());
          say(describe(now) + " approved by " + Text.oneLine(recorded));
          if (config.autoMerge()) {
            forgeMerges = forge.enableAutoMerge(now, config.mergeMethod(), mergeTitle(approved, now),
                approved.commitMessage());
          }
        }
      } else if (config.autoMerge() && !forgeMerges && (!current.required() || recorded != null)) {
        PromotionText merging = recorded == null ? text : withApproval(text, recorded);
        forgeMerges = forge.enableAutoMerge(now, config.mergeMethod(), mergeTitle(merging, now), merging.commitMessage());
      }
      if (now.conflicts() && !java.util.Objects.equals(now.headCommit(), lastConflictHead)) {
        lastConflictHead = now.headCommit();
        say(describe(now) + " conflicts with " + now.base() + "; applying the promotion again on the new base");
        Instant pushed = repush.get();
        current = new Approval(current.required(), current.approvers(), pushed);
        recorded = null;
        forgeMerges = false;
      }
      Instant next = context.clock().instant().plus(POLL);
      if (next.isAfter(deadline)) {
        throw new ExternalException(describe(now) + " is still open after " + limit.toMinutes() + " min: "
            + now.url(), "it stays open; wait for it again with 'ferry promote ... --wait', or merge it", null);
      }
      try {
        context.sleeper().sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ExternalException("interrupted while waiting for " + describe(now), e);
      }
    }
  }

  /** The text with the approval trailers that history reads. */
  public static PromotionText withApproval(PromotionText text, String approver) {
    return text.withTrailers(List.of(new Trailer(Trailers.APPROVED_BY, approver),
        new Trailer(Trailers.APPROVAL_SOURCE, REVIEW_SOURCE)));
  }

  private static String mergeTitle(PromotionText text, PullRequest pr) {
    return text.title() + " (#" + pr.number() + ")";
  }

  private String describe(PullRequest pr) {
    return forge.forge() + " pull request #" + pr.number() + " (" + pr.url() + ")";
  }

  private void say(String message) {
    context.listener().on(FerryEvent.info(TOPIC, message));
  }
}
