package dev.ferry.cli;

import dev.ferry.core.InputException;
import dev.ferry.core.config.EnvironmentConfig;
import dev.ferry.core.promote.PromotionRequest;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What {@code plan} and {@code promote} share: the images, the environment and the approver. */
public final class PromotionOptions {

  @Parameters(arity = "1..*", paramLabel = "SERVICE=IMAGE", description = "Services and their new images.")
  List<String> images;

  @Option(names = "--to", required = true, paramLabel = "ENV", description = "The environment.")
  String to;

  @Option(names = "--no-resolve", description = "Do not ask the registry for digests; write references as given.")
  boolean noResolve;

  @Option(names = "--approved-by", paramLabel = "NAME", description = "Who approved (environments with approval: required).")
  String approvedBy;

  @Option(names = "--approval-source", paramLabel = "SOURCE",
      description = "How the approval was given: jenkins-input, github-environment (checked against the run's review log),"
          + " pull-request-review, cli (the default), ferry-serve.")
  String approvalSource;

  @Option(names = "--github-environment", paramLabel = "NAME",
      description = "With --approval-source github-environment: the GitHub environment that was approved (default: --to).")
  String githubEnvironment;

  PromotionRequest request() {
    if (approvalSource != null && !EnvironmentConfig.APPROVAL_SOURCES.contains(approvalSource)) {
      throw new InputException("--approval-source '" + approvalSource + "' is not one of "
          + String.join(", ", EnvironmentConfig.APPROVAL_SOURCES));
    }
    if (approvalSource != null && approvedBy == null) {
      throw new InputException("--approval-source needs --approved-by NAME");
    }
    if ("github-environment".equals(approvalSource)) {
      new GitHubEnvironmentApproval(System.getenv()).check(approvedBy, githubEnvironment != null ? githubEnvironment : to);
    }
    PromotionRequest request = PromotionRequest.to(to).resolveDigests(!noResolve).approvedBy(approvedBy)
        .approvalSource(approvalSource);
    for (var e : ServiceImages.parse(images).entrySet()) {
      request = request.image(e.getKey(), e.getValue());
    }
    return request;
  }
}
