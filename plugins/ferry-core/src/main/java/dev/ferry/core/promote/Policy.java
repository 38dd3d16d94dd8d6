package dev.ferry.core.promote;

import dev.ferry.core.Durations;
import dev.ferry.core.config.EnvironmentConfig;
import dev.ferry.core.history.History;
import dev.ferry.core.image.ImageRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The rules that order environments: {@code after} (verified upstream), {@code soak} (for long
 * enough), {@code approval} (a named person), and blocks (a version rolled back here stays out
 * until released). Returns every refusal, not just the first.
 */
final class Policy {

  private final Clock clock;

  /** How the request's approval was given; a name typed on the command line is {@code cli}. */
  static String approvalSource(PromotionRequest request) {
    return request.approvalSource() == null || request.approvalSource().isBlank() ? "cli" : request.approvalSource();
  }

  Policy(Clock clock) {
    this.clock = clock;
  }

  /**
   * @param historyOf the history of an environment's repository, by environment name
   * @return the reasons to refuse, empty when the promotion may go ahead
   */
  List<String> check(EnvironmentConfig env, Map<String, ImageRef> images, String approvedBy, String approvalSource,
      Function<String, History> historyOf) {
    return check(env, images, approvedBy, approvalSource, historyOf, false);
  }

  /**
   * @param reviewIsApproval the promotion goes as a pull request whose approving review is the
   *     approval (read from the forge before the merge), so no approver is needed up front
   */
  List<String> check(EnvironmentConfig env, Map<String, ImageRef> images, String approvedBy, String approvalSource,
      Function<String, History> historyOf, boolean reviewIsApproval) {
    List<String> refusals = new ArrayList<>();
    if (env.approvalRequired() && !(reviewIsApproval && (approvedBy == null || approvedBy.isBlank()))) {
      if (approvedBy == null || approvedBy.isBlank()) {
        refusals.add("'" + env.name() + "' requires approval: pass --approved-by NAME"
            + " (the CI front end supplies who approved)");
      } else if (!env.approvers().isEmpty() && !env.approvers().contains(approvedBy)) {
        refusals.add("'" + approvedBy + "' may not approve promotions to '" + env.name()
            + "' (approvers: " + String.join(", ", env.approvers()) + ")");
      } else if (!env.approvalVia().isEmpty() && !env.approvalVia().contains(approvalSource)) {
        refusals.add("'" + env.name() + "' takes approvals given via " + String.join(", ", env.approvalVia())
            + ", not via " + approvalSource + " (approval.via in ferry.yaml)");
      }
    }
    History here = historyOf.apply(env.name());
    images.forEach((service, image) -> here.activeBlock(env.name(), service, image).ifPresent(entry ->
        refusals.add(service + " " + entry.block().image() + " is blocked in '" + env.name() + "' since "
            + entry.block().at() + ": " + entry.block().reason() + " (rollback commit "
            + entry.commit().substring(0, 12) + "); lift it with 'ferry release --env " + env.name()
            + " " + service + " " + entry.block().image() + "'")));
    env.after().ifPresent(upstream -> {
      History there = historyOf.apply(upstream);
      Instant now = clock.instant();
      images.forEach((service, image) -> {
        var verified = there.firstVerified(upstream, service, image);
        var block = there.activeBlock(upstream, service, image);
        var last = there.lastVerification(upstream, service, image);
        if (block.isPresent()) {
          refusals.add(service + " " + image + " is blocked in '" + upstream + "' (" + block.get().block().reason()
              + "); '" + env.name() + "' does not take versions that failed upstream");
        } else if (verified.isPresent() && last.isPresent() && !last.get().passed()) {
          refusals.add(service + " " + image + " failed its last verification in '" + upstream + "' at "
              + last.get().at() + "; verify it there again before promoting it to '" + env.name() + "'");
        } else if (verified.isEmpty()) {
          String failed = last.map(v -> " (its last verification there failed at " + v.at() + ")").orElse("");
          refusals.add(service + " " + image + " has not been verified in '" + upstream + "'" + failed
              + "; '" + env.name() + "' takes only images verified there (promote it to '" + upstream
              + "' and run 'ferry verify --env " + upstream + "')");
        } else if (!env.soak().isZero()) {
          Duration soaked = Duration.between(verified.get(), now);
          if (soaked.compareTo(env.soak()) < 0) {
            refusals.add(service + " " + image + " has soaked in '" + upstream + "' for "
                + Durations.format(soaked) + " of the " + Durations.format(env.soak())
                + " that '" + env.name() + "' requires (verified at " + verified.get() + ")");
          }
        }
      });
    });
    return refusals;
  }
}
