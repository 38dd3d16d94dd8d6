package dev.ferry.core.forge;

/**
 * A pull request (merge request) as the forge reports it.
 *
 * @param number the forge's number for it ({@code #12}, GitLab's {@code !12} iid)
 * @param url where people open it
 * @param state open, merged or closed without merging
 * @param head the source branch
 * @param headCommit the commit the source branch points at, or null when the forge did not say
 * @param base the target branch
 * @param title its title
 * @param body its description
 * @param mergeCommit the commit the merge made on the base, when merged and the forge says
 * @param closedBy who merged or closed it, when the forge says
 * @param conflicts true when the forge says it cannot merge for conflicts
 * @param forgeId the forge's internal id where its API needs one (GitHub's GraphQL node id, Bitbucket
 *     Data Center's version), else null
 */
public record PullRequest(String number, String url, State state, String head, String headCommit, String base,
    String title, String body, String mergeCommit, String closedBy, boolean conflicts, String forgeId) {

  public enum State { OPEN, MERGED, CLOSED }

  public boolean open() {
    return state == State.OPEN;
  }
}
