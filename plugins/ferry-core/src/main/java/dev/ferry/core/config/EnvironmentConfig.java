package dev.ferry.core.config;

import dev.ferry.core.InputException;
import dev.ferry.core.SourceLocation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One environment ({@code environments.<name>}), with every default filled in.
 *
 * <pre>{@code
 * EnvironmentConfig staging = config.environment("staging");
 * TargetConfig target = staging.targetFor("web");   // placeholders replaced
 * staging.after();                                  // Optional[dev]
 * }</pre>
 *
 * @param name the key under {@code environments}
 * @param repo the key of its repository under {@code repos}
 * @param targets as written, keyed by service name or {@code *}, placeholders not yet replaced; when the
 *     environment writes none, those of the environment it comes {@code after}
 * @param render render before and after the edit and refuse more than image changes
 * @param after the environment an image must have passed first
 * @param soak how long an image must have been verified upstream ({@code after}) before this
 *     environment takes it; zero by default
 * @param gates the health gates, untyped, in the order written
 * @param gateTimeout how long the gates may take; 10 minutes by default
 * @param rollback what to do when a gate fails
 * @param approvalRequired a person must approve ({@code approval: required})
 * @param approvers who may approve (required with {@code approval: required})
 * @param approvalVia the approval sources accepted ({@code approval: {via: [...]}}); empty: any
 * @param mode push directly or open a pull request
 * @param location where the entry starts in {@code ferry.yaml}
 * @param operators who may promote, roll back and release through {@code ferry serve}; empty means
 *     anyone the dashboard lets act (the CLI and CI front ends rely on their own permissions)
 * @param rollbackMode how a rollback is written ({@code rollback: {mode: ...}}): pushed to the branch
 *     (direct, the default) or as a pull request with auto-merge, its block recorded once it lands
 */
public record EnvironmentConfig(String name, String repo, Map<String, TargetConfig> targets, boolean render,
    Optional<String> after, Duration soak, List<GateConfig> gates, Duration gateTimeout, RollbackMode rollback,
    boolean approvalRequired, List<String> approvers, List<String> approvalVia, PromotionMode mode,
    SourceLocation location, List<String> operators, PromotionMode rollbackMode) {

  public static final Duration DEFAULT_GATE_TIMEOUT = Duration.ofMinutes(10);

  /** How an approval can be given ({@code approval.via}); recorded as the Ferry-Approval-Source trailer. */
  public static final List<String> APPROVAL_SOURCES = List.of("jenkins-input", "github-environment",
      "pull-request-review", "cli", "ferry-serve");

  public EnvironmentConfig {
    targets = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(targets));
    gates = List.copyOf(gates);
    approvers = List.copyOf(approvers);
    approvalVia = List.copyOf(approvalVia);
    operators = List.copyOf(operators);
  }

  /** An environment without {@code approval.via}, {@code operators:} or a rollback mode. */
  public EnvironmentConfig(String name, String repo, Map<String, TargetConfig> targets, boolean render,
      Optional<String> after, Duration soak, List<GateConfig> gates, Duration gateTimeout, RollbackMode rollback,
      boolean approvalRequired, List<String> approvers, PromotionMode mode, SourceLocation location) {
    this(name, repo, targets, render, after, soak, gates, gateTimeout, rollback, approvalRequired, approvers, List.of(),
        mode, location, List.of(), PromotionMode.DIRECT);
  }

  /** Whether {@code user} may act on this environment through the dashboard. */
  public boolean mayOperate(String user) {
    return operators.isEmpty() || operators.contains(user);
  }

  /**
   * The target of a service in this environment: its own entry, else the {@code *} entry, with
   * {@code {env}} and {@code {service}} replaced.
   *
   * @throws InputException when neither exists, located at this environment in {@code ferry.yaml}
   */
  public TargetConfig targetFor(String service) {
    TargetConfig target = targets.get(service);
    if (target == null) {
      target = targets.get("*");
    }
    if (target == null) {
      throw new InputException("environment '" + name + "' has no target for service '" + service
          + "' (targets: " + String.join(", ", targets.keySet()) + ")", location,
          "add '" + service + "' or '*' under environments." + name + ".targets", null);
    }
    return target.resolve(name, service);
  }
}
