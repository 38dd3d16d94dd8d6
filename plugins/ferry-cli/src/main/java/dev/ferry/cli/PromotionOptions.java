package dev.ferry.cli;

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

  PromotionRequest request() {
    PromotionRequest request = PromotionRequest.to(to).resolveDigests(!noResolve).approvedBy(approvedBy);
    for (var e : ServiceImages.parse(images).entrySet()) {
      request = request.image(e.getKey(), e.getValue());
    }
    return request;
  }
}
