package dev.ferry.core.gate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One answer of a gate: its status, a one-line reason a person can act on, and what it observed
 * (revision, phase, value...) for the evidence recorded in git notes. Never contains secrets.
 *
 * <pre>{@code return GateResult.running("Application shop-dev is Progressing", Map.of("health", "Progressing"));}</pre>
 */
public record GateResult(GateStatus status, String reason, Map<String, Object> observed) {

  public GateResult {
    Objects.requireNonNull(status, "status");
    reason = reason == null ? "" : reason;
    // LinkedHashMap keeps the gate's order in JSON; nulls are dropped so the evidence stays clean
    Map<String, Object> copy = new LinkedHashMap<>();
    if (observed != null) {
      observed.forEach((k, v) -> {
        if (v != null) {
          copy.put(k, v);
        }
      });
    }
    observed = java.util.Collections.unmodifiableMap(copy);
  }

  public static GateResult passed(String reason, Map<String, Object> observed) {
    return new GateResult(GateStatus.PASSED, reason, observed);
  }

  public static GateResult passed(String reason) {
    return passed(reason, Map.of());
  }

  public static GateResult running(String reason, Map<String, Object> observed) {
    return new GateResult(GateStatus.RUNNING, reason, observed);
  }

  public static GateResult running(String reason) {
    return running(reason, Map.of());
  }

  public static GateResult failed(String reason, Map<String, Object> observed) {
    return new GateResult(GateStatus.FAILED, reason, observed);
  }

  public static GateResult failed(String reason) {
    return failed(reason, Map.of());
  }

  public static GateResult errored(String reason, Map<String, Object> observed) {
    return new GateResult(GateStatus.ERRORED, reason, observed);
  }

  public static GateResult errored(String reason) {
    return errored(reason, Map.of());
  }
}
