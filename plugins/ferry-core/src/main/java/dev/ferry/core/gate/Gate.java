package dev.ferry.core.gate;

/**
 * A health check of an environment after a promotion. {@link #check} is called repeatedly by the
 * {@link GateRunner} until it answers a final status; it must not block longer than one request to
 * the system it asks, and it turns that system's failures into {@code ERRORED} instead of throwing.
 *
 * <pre>{@code
 * Gate gate = Gates.fromConfig(environment.gates(), "staging", System.getenv()).get(0);
 * GateResult result = gate.check(context);
 * gate.close(); // gates built from configuration may hold HTTP or Kubernetes clients
 * }</pre>
 */
public interface Gate extends AutoCloseable {

  /** Kind and target, e.g. {@code argocd shop-dev}; unique within an environment. */
  String name();

  GateResult check(GateContext context);

  /** True when the gate was configured with {@code onError: pass}: errors past budget do not fail. */
  default boolean passOnError() {
    return false;
  }

  /** Releases the clients the gate holds; it must not be checked afterwards. */
  @Override
  default void close() {
  }
}
