package dev.ferry.core.forge;

import dev.ferry.core.config.PullRequestConfig.MergeMethod;
import java.util.List;
import java.util.Optional;

/**
 * The pull requests of one repository on one forge: the few calls a promotion needs. One class
 * per forge implements it against that forge's REST API.
 *
 * <pre>{@code
 * PullRequests prs = Forges.open(config, context);
 * PullRequest pr = prs.find("ferry/prod/1a2b3c").orElseGet(() -> prs.open(draft));
 * }</pre>
 */
public interface PullRequests {

  /** The forge's name, for messages. */
  String forge();

  /** The open pull requests into {@code base}, newest first. */
  List<PullRequest> listOpen(String base);

  /** The open pull request from branch {@code head}, if there is one. */
  default Optional<PullRequest> find(String head, String base) {
    return listOpen(base).stream().filter(p -> p.head().equals(head)).findFirst();
  }

  /** The pull request as it is now. */
  PullRequest get(String number);

  PullRequest open(PullRequestDraft draft);

  void update(PullRequest pr, String title, String body);

  void label(PullRequest pr, List<String> labels);

  void comment(PullRequest pr, String text);

  void requestReviewers(PullRequest pr, List<String> reviewers);

  /** Its reviews (GitLab, Bitbucket, Azure DevOps: approvals and votes), oldest first. */
  List<Review> reviews(PullRequest pr);

  /**
   * Asks the forge to merge as soon as its rules allow, with this commit message where the method
   * makes one (squash, merge). A forge without auto-merge in its API merges now if it can.
   *
   * @return false when the forge has no auto-merge and cannot merge yet: whoever waits merges later
   */
  boolean enableAutoMerge(PullRequest pr, MergeMethod method, String title, String message);

  /** Merges now; false when the forge says it cannot merge yet (checks, reviews, conflicts). */
  boolean merge(PullRequest pr, MergeMethod method, String title, String message);

  /** Closes without merging. */
  void close(PullRequest pr);
}
