package dev.ferry.core.promote;

import java.util.List;
import java.util.Map;

/**
 * A promotion that was written (or found already in place).
 *
 * @param promotionId stable for the same images into the same environment
 * @param environment the environment
 * @param repo the repository's name in ferry.yaml
 * @param commit the commit that holds the promotion (the head when it was a no-op)
 * @param noop true when the images were already in place: no commit was made
 * @param mode {@code direct} or {@code pull-request}
 * @param branch the branch written: the environment branch, or the pull-request branch
 * @param files the files changed
 * @param images service → image written, with digest when pinned
 * @param attempts push attempts it took
 * @param pullRequest the pull request opened or updated on the forge, or null (direct mode, or no
 *     {@code pullRequests} for the repository)
 */
public record PromotionResult(
    String promotionId,
    String environment,
    String repo,
    String commit,
    boolean noop,
    String mode,
    String branch,
    List<String> files,
    Map<String, String> images,
    int attempts,
    PullRequestInfo pullRequest) {

  public PromotionResult(String promotionId, String environment, String repo, String commit, boolean noop, String mode,
      String branch, List<String> files, Map<String, String> images, int attempts) {
    this(promotionId, environment, repo, commit, noop, mode, branch, files, images, attempts, null);
  }
}
