package dev.ferry.core.gate;

import java.util.List;
import java.util.Map;

/**
 * A kind of gate as {@code ferry.yaml} names it ({@code argocd}, {@code rollout}, ...): its settings
 * with their types and defaults, the rules between settings, and how to build the gate. Each kind
 * is declared once, in the file of its gate ({@code ArgoCdGate.KIND}), and listed once in
 * {@link GateCatalogue}.
 *
 * <pre>{@code Gate gate = ArgoCdGate.KIND.build(settings, building);}</pre>
 */
interface GateKind {

  /** The key in {@code ferry.yaml}, e.g. {@code argocd}. */
  String name();

  /** Its own settings; the common ones ({@code onError}) are added by the catalogue. */
  List<GateSetting> settings();

  /**
   * Adds what is wrong between settings (required together, exclusive, value ranges) to
   * {@code problems}; types and unknown names are already checked.
   */
  void check(GateSettings settings, Problems problems);

  /** Builds the gate from valid settings, placeholders already replaced. */
  Gate build(GateSettings settings, Building building);

  /** Where the problems of one gate entry go: the setting they concern, or null for the entry. */
  interface Problems {
    void add(String setting, String message);
  }

  /**
   * What building a gate needs besides its settings.
   *
   * @param env the process environment, where {@code tokenEnv} and {@code KUBECONFIG} are read
   * @param clock for gates that hold a value for a duration
   * @param where the entry's location, for an error naming an unset variable
   */
  record Building(Map<String, String> env, java.time.Clock clock, dev.ferry.core.SourceLocation where) {
  }
}
