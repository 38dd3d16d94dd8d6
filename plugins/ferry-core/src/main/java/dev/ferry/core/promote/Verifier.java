package dev.ferry.core.promote;

import dev.ferry.core.Durations;
import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryException;
import dev.ferry.core.git.EnvRepo;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import dev.ferry.core.RefusedException;
import dev.ferry.core.config.EnvironmentConfig;
import dev.ferry.core.config.RollbackMode;
import dev.ferry.core.gate.Gate;
import dev.ferry.core.gate.GateContext;
import dev.ferry.core.gate.GateOutcome;
import dev.ferry.core.gate.GateRunner;
import dev.ferry.core.gate.Gates;
import dev.ferry.core.gate.Sleeper;
import dev.ferry.core.gate.Verification;
import dev.ferry.core.history.Evidence;
import dev.ferry.core.history.History;
import dev.ferry.core.notify.DeliveryEvent;
import dev.ferry.core.history.PromotionRecord;
import dev.ferry.core.history.VerificationRecord;
import dev.ferry.core.image.ImageRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Runs an environment's gates against what is deployed there and records the evidence as a git
 * note on the promotion commits it verified. With {@code rollback: auto}, a failed verification
 * rolls back what it judged and was new: the services promoted by {@code promote --verify}, or, on
 * {@code ferry verify}, those whose image Ferry promoted and no verification has passed yet. An
 * image that passed before and fails now (an outage elsewhere, a noisy metric) is reported, not
 * rolled back: a new version is what a rollback undoes.
 *
 * <pre>{@code
 * VerifyResult result = new Verifier(promoter, Sleeper.SYSTEM).verify("staging", List.of(), null);
 * }</pre>
 */
public final class Verifier {

  private final Promoter promoter;
  private final Sleeper sleeper;
  private final FerryListener listener;
  private Duration interval = Duration.ofSeconds(5);

  public Verifier(Promoter promoter, Sleeper sleeper) {
    this.promoter = promoter;
    this.sleeper = sleeper;
    this.listener = promoter.context().listener();
  }

  /** How long to wait between two polls of the gates. */
  public Verifier interval(Duration value) {
    this.interval = value;
    return this;
  }

  /**
   * Verifies the services deployed in an environment (all with a target there when
   * {@code services} is empty), records the result, and returns it.
   */
  public VerifyResult verify(String environment, List<String> services, Duration timeout) {
    EnvironmentConfig env = promoter.config().environment(environment);
    return verify(env, services, timeout, gates(env), null);
  }

  private List<Gate> gates(EnvironmentConfig env) {
    return Gates.fromConfig(env.gates(), env.name(), promoter.context().env());
  }

  /**
   * @param promoted the services a promotion just wrote, all to be rolled back on failure; null to
   *     choose those whose image Ferry promoted and that never passed a verification
   */
  private VerifyResult verify(EnvironmentConfig env, List<String> services, Duration timeout, List<Gate> gates,
      List<String> promoted) {
    VerifyResult result;
    List<String> unproven;
    try {
      String environment = env.name();
      List<String> names = services.isEmpty() ? servicesIn(env) : services;
      Map<String, ImageRef> images = new LinkedHashMap<>();
      promoter.currentImages(environment, names).forEach((s, image) -> image.ifPresent(i -> images.put(s, i)));
      if (images.isEmpty()) {
        throw new RefusedException("no image of " + String.join(", ", names) + " is deployed in '" + environment + "'");
      }
      EnvRepo repo = promoter.repoOf(environment);
      String head = repo.head();
      History history = promoter.historyOf(environment);
      unproven = promoted != null ? promoted : images.keySet().stream()
          .filter(s -> history.lastChange(environment, s).filter(p -> p.kind().equals(PromotionRecord.PROMOTE))
              .filter(p -> p.images().containsKey(s) && ImageRef.parse(p.images().get(s)).sameVersion(images.get(s)))
              .isPresent())
          .filter(s -> history.firstVerified(environment, s, images.get(s)).isEmpty())
          .toList();
      Instant promotedAt = images.keySet().stream()
          .map(s -> history.lastChange(environment, s).map(PromotionRecord::time))
          .flatMap(Optional::stream).max(Instant::compareTo).orElse(promoter.context().clock().instant());
      // others may push to the same branch while the gates run: a later head has this commit too
      GateContext context = new GateContext(environment, head, images, promotedAt, revision -> repo.includes(revision, head));
      Duration limit = timeout != null ? timeout : env.gateTimeout();
      listener.on(FerryEvent.info("verify", gates.isEmpty()
          ? "'" + environment + "' has no gates: recording " + describe(images) + " as verified"
          : "verifying " + describe(images) + " in '" + environment + "' with " + gates.size() + " gate(s), up to " + Durations.format(limit)));
      Verification verification = new GateRunner(limit, interval, errorBudget(limit), promoter.context().clock(), sleeper, listener)
          .run(gates, context);
      List<String> recordedOn = record(environment, head, images, verification, history);
      result = new VerifyResult(environment, verification.passed(), head, strings(images), verification.outcomes(),
          recordedOn, List.of(), List.of());
      promoter.tell(result.passed() ? DeliveryEvent.VERIFIED : DeliveryEvent.VERIFICATION_FAILED, environment,
          result.images(), head, null, "ferry", result.failure()
              .map(o -> "gate " + o.gate() + " " + o.status() + ": " + o.reason()).orElse(null), null);
    } finally {
      gates.forEach(Gate::close);
    }
    return result.passed() || env.rollback() != RollbackMode.AUTO ? result : rollBack(env, unproven, result);
  }

  /** Rolls each service back; one that cannot be must not keep the others on a bad version. */
  private VerifyResult rollBack(EnvironmentConfig env, List<String> services, VerifyResult failed) {
    String reason = failed.failure().map(o -> "gate " + o.gate() + " " + o.status() + ": " + o.reason())
        .orElse("verification failed");
    List<RollbackResult> rollbacks = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (String service : services) {
      try {
        rollbacks.add(promoter.rollback(env.name(), service, reason, "ferry (rollback: auto)"));
      } catch (FerryException e) {
        errors.add(service + ": " + e.getMessage());
        listener.on(FerryEvent.warn("rollback", "could not roll back " + service + " in " + env.name() + ": " + e.getMessage()));
      }
    }
    return failed.withRollbacks(rollbacks, errors);
  }

  /**
   * {@code ferry promote --verify}: promotes, verifies what was promoted, and with
   * {@code rollback: auto} rolls each promoted service back when a gate fails. The gates are built
   * before anything is pushed, so that a missing token cannot leave an unverified promotion behind.
   */
  public PromoteVerifyResult promoteAndVerify(PromotionRequest request, Duration timeout) {
    EnvironmentConfig env = promoter.config().environment(request.environment());
    List<Gate> gates = gates(env);
    PromotionResult promotion;
    try {
      promotion = promoter.promote(request);
    } catch (RuntimeException e) {
      gates.forEach(Gate::close);
      throw e;
    }
    if (promotion.mode().equals("pull-request")) {
      gates.forEach(Gate::close);
      listener.on(FerryEvent.info("verify", "pull request branch " + promotion.branch()
          + " is not deployed yet: verify after it is merged"));
      return new PromoteVerifyResult(promotion, null);
    }
    List<String> services = List.copyOf(request.images().keySet());
    try {
      return new PromoteVerifyResult(promotion, verify(env, services, timeout, gates, services));
    } catch (FerryException e) {
      throw new ExternalException("promoted " + Promoter.describe(request.images()) + " to '" + env.name()
          + "' in commit " + promotion.commit() + ", but could not verify it: " + e.getMessage(),
          "run 'ferry verify --env " + env.name() + "' once the cause is fixed", e);
    }
  }

  private List<String> servicesIn(EnvironmentConfig env) {
    List<String> out = new ArrayList<>();
    for (String s : promoter.config().services().keySet()) {
      if (env.targets().containsKey(s) || env.targets().containsKey("*")) {
        out.add(s);
      }
    }
    return out;
  }

  /** Notes go on the commit that last promoted each service, so that history finds them there. */
  private List<String> record(String environment, String head, Map<String, ImageRef> images,
      Verification verification, History history) {
    Map<String, Map<String, String>> byCommit = new LinkedHashMap<>();
    images.forEach((service, image) -> {
      String commit = history.lastChange(environment, service).map(PromotionRecord::commit).orElse(head);
      byCommit.computeIfAbsent(commit, c -> new LinkedHashMap<>()).put(service, image.toString());
    });
    List<Map<String, Object>> gates = verification.outcomes().stream().map(Verifier::outcome).toList();
    Map<String, UnaryOperator<String>> updates = new LinkedHashMap<>();
    byCommit.forEach((commit, imgs) -> {
      VerificationRecord record = new VerificationRecord(environment, imgs, verification.passed(),
          verification.finished(), head, gates);
      // a gate's reason may quote a server that echoed its token
      updates.put(commit, old -> promoter.secrets().apply(Evidence.parse(old).withVerification(record).toJson()));
    });
    promoter.updateNotes(environment, updates);
    return List.copyOf(byCommit.keySet());
  }

  static Map<String, Object> outcome(GateOutcome o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("gate", o.gate());
    m.put("status", o.status().name());
    m.put("reason", o.reason());
    m.put("observed", o.observed());
    m.put("firstCheck", String.valueOf(o.firstCheck()));
    m.put("lastCheck", String.valueOf(o.lastCheck()));
    m.put("checks", o.checks());
    return m;
  }

  private static Duration errorBudget(Duration timeout) {
    Duration third = timeout.dividedBy(3);
    return third.compareTo(Duration.ofMinutes(2)) > 0 ? Duration.ofMinutes(2) : third;
  }

  private static Map<String, String> strings(Map<String, ImageRef> images) {
    Map<String, String> out = new LinkedHashMap<>();
    images.forEach((s, i) -> out.put(s, i.toString()));
    return out;
  }

  private static String describe(Map<String, ImageRef> images) {
    return Promoter.describe(images);
  }

  /**
   * A verification that came with a promotion.
   *
   * @param promotion what was promoted
   * @param verification the gates' verdict, with the rollbacks it caused; null in pull-request mode
   */
  public record PromoteVerifyResult(PromotionResult promotion, VerifyResult verification) {
    public boolean passed() {
      return verification == null || verification.passed();
    }

    /** Services that could not be rolled back, with why. */
    public List<String> rollbackErrors() {
      return verification == null ? List.of() : verification.rollbackErrors();
    }

    public Optional<String> failure() {
      return verification == null ? Optional.empty() : verification.failure().map(o -> o.gate() + ": " + o.reason());
    }
  }
}
