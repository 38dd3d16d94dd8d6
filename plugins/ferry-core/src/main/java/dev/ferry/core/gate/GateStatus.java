package dev.ferry.core.gate;

/**
 * What a gate answers when asked: {@code PASSED} and {@code FAILED} are final, {@code RUNNING}
 * means ask again later, {@code ERRORED} means the gate could not tell (the server did not answer)
 * and may be retried until the runner's error budget is spent.
 *
 * <pre>{@code if (result.status().isFinal()) { ... }}</pre>
 */
public enum GateStatus {
  PASSED, RUNNING, FAILED, ERRORED;

  /** True for {@code PASSED} and {@code FAILED}: asking again will not change the answer. */
  public boolean isFinal() {
    return this == PASSED || this == FAILED;
  }
}
