package dev.ferry.core.promote;

import dev.ferry.core.gate.GateOutcome;
import dev.ferry.core.gate.GateStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gates' verdict on what is deployed in an environment.
 *
 * @param environment where
 * @param passed whether every gate passed
 * @param commit the environment branch head the gates saw
 * @param images service → image verified
 * @param outcomes each gate's outcome
 * @param recordedOn the commits whose notes now carry this evidence
 * @param rollbacks rollbacks made because it failed ({@code rollback: auto})
 * @param rollbackErrors services that should have been rolled back and could not be, with why
 */
public record VerifyResult(String environment, boolean passed, String commit, Map<String, String> images,
    List<GateOutcome> outcomes, List<String> recordedOn, List<RollbackResult> rollbacks, List<String> rollbackErrors) {

  /** The first gate that did not pass. */
  public Optional<GateOutcome> failure() {
    return outcomes.stream().filter(o -> o.status() != GateStatus.PASSED).findFirst();
  }

  VerifyResult withRollbacks(List<RollbackResult> value, List<String> errors) {
    return new VerifyResult(environment, passed, commit, images, outcomes, recordedOn, List.copyOf(value), List.copyOf(errors));
  }
}
