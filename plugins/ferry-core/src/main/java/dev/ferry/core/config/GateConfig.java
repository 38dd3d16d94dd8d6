package dev.ferry.core.config;

import dev.ferry.core.SourceLocation;
import java.util.Map;

/**
 * One entry of an environment's {@code gates:} list as written in {@code ferry.yaml}: its kind
 * ({@code argocd}, {@code rollout}, {@code deployment}, {@code prometheus}, {@code http}) and its
 * settings, still untyped. The {@code gate} package turns it into a typed gate and validates it.
 *
 * <pre>{@code new GateConfig("http", Map.of("url", "http://web/healthz"), SourceLocation.of("ferry.yaml", 30, 9))}</pre>
 *
 * @param kind the single key of the list entry
 * @param settings the mapping under it: strings, numbers, booleans, lists and maps, as parsed
 * @param location where the entry starts, for error messages
 */
public record GateConfig(String kind, Map<String, Object> settings, SourceLocation location) {

  public GateConfig {
    settings = Map.copyOf(settings);
  }
}
