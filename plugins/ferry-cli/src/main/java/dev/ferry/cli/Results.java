package dev.ferry.cli;

import dev.ferry.core.promote.PromotionResult;
import dev.ferry.core.promote.VerifyResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON shape of each command's result, built from the core's result records, and the exit
 * code that the result means. docs/json.md documents the shapes; docs/json/ holds samples written
 * by the CLI's tests, which the Jenkins steps' and the GitHub action's tests read.
 *
 * <pre>{@code
 * console.result(Results.verify(result), text);
 * return Results.exitCode(result);
 * }</pre>
 */
final class Results {

  private Results() {
  }

  /**
   * {@code ferry promote}: the promotion's fields; with {@code --verify} also the verification's
   * fields ({@code passed}, {@code outcomes}, {@code recordedOn}, {@code rollbacks},
   * {@code rollbackErrors}), flat and named as {@code ferry verify} names them.
   */
  static Map<String, Object> promote(PromotionResult promotion, VerifyResult verification) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("promotionId", promotion.promotionId());
    out.put("environment", promotion.environment());
    out.put("repo", promotion.repo());
    out.put("commit", promotion.commit());
    out.put("noop", promotion.noop());
    out.put("mode", promotion.mode());
    out.put("branch", promotion.branch());
    out.put("files", promotion.files());
    out.put("images", promotion.images());
    out.put("attempts", promotion.attempts());
    if (promotion.pullRequest() != null) {
      Map<String, Object> pr = new LinkedHashMap<>();
      pr.put("number", promotion.pullRequest().number());
      pr.put("url", promotion.pullRequest().url());
      pr.put("opened", promotion.pullRequest().opened());
      pr.put("superseded", promotion.pullRequest().superseded());
      pr.put("approvedBy", promotion.pullRequest().approvedBy());
      out.put("pullRequest", pr);
    }
    if (verification != null) {
      verificationFields(out, verification);
    }
    return out;
  }

  /** {@code ferry verify}: the environment, the head the gates saw, and the verification's fields. */
  static Map<String, Object> verify(VerifyResult r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("environment", r.environment());
    out.put("commit", r.commit());
    out.put("images", r.images());
    verificationFields(out, r);
    return out;
  }

  /** {@code ferry release}: what was released, and the commit whose note now records it. */
  static Map<String, Object> release(String environment, String service, String image, String blockCommit) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("environment", environment);
    out.put("service", service);
    out.put("image", image);
    out.put("blockCommit", blockCommit);
    return out;
  }

  private static void verificationFields(Map<String, Object> out, VerifyResult r) {
    out.put("passed", r.passed());
    out.put("outcomes", r.outcomes());
    out.put("recordedOn", r.recordedOn());
    out.put("rollbacks", r.rollbacks());
    out.put("rollbackErrors", r.rollbackErrors());
  }

  /**
   * 0 every gate passed; 1 a gate failed (rolled back where due); 3 a rollback that was due did not
   * land, which leaves a bad version running: an outside failure, not a verdict.
   */
  static int exitCode(VerifyResult r) {
    if (r == null || r.passed()) {
      return 0;
    }
    return r.rollbackErrors().isEmpty() ? 1 : 3;
  }
}
