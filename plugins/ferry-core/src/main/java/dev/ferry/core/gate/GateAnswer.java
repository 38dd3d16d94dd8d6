package dev.ferry.core.gate;

/**
 * Thrown inside a gate to give an answer early from deep in a read (a denied token, an unreadable
 * kubeconfig); the gate catches it and returns {@link #result()}. Never leaves a gate.
 */
final class GateAnswer extends RuntimeException {

  private final transient GateResult result;

  GateAnswer(GateResult result) {
    super(result.reason(), null, false, false);
    this.result = result;
  }

  GateResult result() {
    return result;
  }
}
