package dev.ferry.core.promote;

import java.util.List;

/**
 * The pull request of a promotion in pull-request mode, as the forge reported it.
 *
 * @param number the forge's number for it
 * @param url where people review it
 * @param opened true when this promotion opened it, false when a retry found and updated it
 * @param superseded the numbers of older promotions' pull requests it closed
 * @param approvedBy the approver whose fresh approving review was read from the forge, or null
 */
public record PullRequestInfo(String number, String url, boolean opened, List<String> superseded, String approvedBy) {

  public PullRequestInfo {
    superseded = List.copyOf(superseded);
  }
}
