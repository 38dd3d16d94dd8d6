package dev.ferry.core.gate;

import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import dev.ferry.core.config.GateConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A rollback's last step where Argo Rollouts runs the service: abort the Rollouts that the
 * environment's {@code rollout} gates name, so that traffic goes back to the stable version at
 * once instead of waiting for Argo CD to sync the revert.
 *
 * <pre>{@code Rollouts.abortAll(env.gates(), "staging", System.getenv(), listener);}</pre>
 */
public final class Rollouts {

  private Rollouts() {
  }

  /** Aborts each Rollout named by a {@code rollout} gate; returns those aborted. A failed abort is a warning. */
  public static List<String> abortAll(List<GateConfig> configs, String environment, Map<String, String> env,
      FerryListener listener) {
    List<String> aborted = new ArrayList<>();
    for (Gate gate : Gates.fromConfig(configs.stream().filter(c -> c.kind().equals("rollout")).toList(), environment, env)) {
      try (gate) {
        ((RolloutGate) gate).abort();
        aborted.add(gate.name());
        listener.on(FerryEvent.info("rollback", "aborted " + gate.name()));
      } catch (RuntimeException e) {
        // git is already rolled back and Argo CD will sync it; the abort only makes it faster
        listener.on(FerryEvent.warn("rollback", "could not abort " + gate.name() + ": " + e.getMessage()
            + " (Argo CD will still sync the rollback commit)"));
      }
    }
    return aborted;
  }
}
