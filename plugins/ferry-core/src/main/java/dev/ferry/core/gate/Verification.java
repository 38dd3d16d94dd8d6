package dev.ferry.core.gate;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The result of verifying an environment: passed only when every gate passed. Serialised as JSON
 * into the git note of the promotion commit, as evidence.
 *
 * <pre>{@code
 * Verification v = runner.run(gates, context);
 * if (!v.passed()) throw new RefusedException(v.firstFailure().orElseThrow().reason());
 * }</pre>
 */
public record Verification(boolean passed, List<GateOutcome> outcomes, Instant started, Instant finished) {

  public Verification {
    outcomes = List.copyOf(outcomes);
  }

  /** The gate that failed, or else the first that did not pass, in configuration order. */
  @JsonIgnore
  public Optional<GateOutcome> firstFailure() {
    return outcomes.stream().filter(o -> o.status() == GateStatus.FAILED).findFirst()
        .or(() -> outcomes.stream().filter(o -> o.status() != GateStatus.PASSED).findFirst());
  }
}
