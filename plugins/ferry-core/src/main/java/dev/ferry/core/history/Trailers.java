package dev.ferry.core.history;

/** The names of the trailers Ferry writes into its commits; history reads them back. */
public final class Trailers {

  public static final String SERVICE = "Ferry-Service";
  public static final String IMAGE = "Ferry-Image";
  public static final String ENVIRONMENT = "Ferry-Environment";
  public static final String PROMOTION_ID = "Ferry-Promotion-Id";
  public static final String KIND = "Ferry-Kind";
  public static final String SOURCE = "Ferry-Source";
  public static final String SOURCE_COMMIT = "Ferry-Source-Commit";
  public static final String SOURCE_TIME = "Ferry-Source-Time";
  public static final String PROMOTED_BY = "Ferry-Promoted-By";
  public static final String APPROVED_BY = "Ferry-Approved-By";
  /** How the approval was given: jenkins-input, github-environment, pull-request-review, cli, ferry-serve. */
  public static final String APPROVAL_SOURCE = "Ferry-Approval-Source";

  private Trailers() {
  }
}
