package dev.ferry.core.gate;

import java.time.Instant;
import java.util.Map;

/**
 * How one gate ended in a {@link Verification}: its last status and reason, what it observed, and
 * when and how often it was asked.
 *
 * <pre>{@code outcome.status() == GateStatus.FAILED ? outcome.reason() : "ok"}</pre>
 */
public record GateOutcome(String gate, GateStatus status, String reason, Map<String, Object> observed,
    Instant firstCheck, Instant lastCheck, int checks) {

  public GateOutcome {
    observed = observed == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(observed));
  }
}
