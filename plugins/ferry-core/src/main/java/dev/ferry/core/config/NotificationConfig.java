package dev.ferry.core.config;

import dev.ferry.core.SourceLocation;
import java.util.List;
import java.util.Set;

/**
 * One entry of {@code notifications:} in ferry.yaml: where to tell whom about which events.
 *
 * <pre>{@code
 * notifications:
 *   - slack: {webhookEnv: SLACK_WEBHOOK_URL}
 *     on: [rolled-back, verification-failed]
 *     environments: [prod]
 *   - grafana: {url: https://grafana.example.com, tokenEnv: GRAFANA_TOKEN}
 * }</pre>
 *
 * @param kind {@code slack}, {@code teams}, {@code webhook} or {@code grafana}
 * @param urlEnv the environment variable holding the URL (webhook URLs are secrets), or null for grafana
 * @param url grafana's base URL (not a secret), or null
 * @param tokenEnv the environment variable holding grafana's service account token, or null
 * @param secretEnv the environment variable holding the webhook's HMAC secret, or null
 * @param dashboardUid the grafana dashboard the annotations go on, or null for an organisation-wide annotation
 * @param on the event types delivered
 * @param environments the environments whose events are delivered; empty for all
 * @param location where the entry starts in ferry.yaml
 */
public record NotificationConfig(String kind, String urlEnv, String url, String tokenEnv, String secretEnv,
    String dashboardUid, Set<String> on, List<String> environments, SourceLocation location) {

  public static final List<String> KINDS = List.of("slack", "teams", "webhook", "grafana");

  /** The event types {@code on:} may name (see {@code dev.ferry.core.notify.DeliveryEvent}). */
  public static final List<String> EVENTS = List.of("promoted", "verified", "verification-failed", "rolled-back",
      "blocked", "released", "pull-request-opened");

  public NotificationConfig {
    on = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(on));
    environments = List.copyOf(environments);
  }

  /** Whether an event of {@code type} in {@code environment} goes to this receiver. */
  public boolean wants(String type, String environment) {
    return on.contains(type) && (environments.isEmpty() || environments.contains(environment));
  }

  /** What this receiver gets when {@code on:} is not written: chat the events a person acts on, grafana the deploys. */
  public static Set<String> defaultEvents(String kind) {
    return kind.equals("grafana") ? Set.of("promoted", "rolled-back", "released")
        : Set.of("promoted", "verification-failed", "rolled-back", "released", "pull-request-opened");
  }

  /** A short name for messages, without the URL: {@code slack (SLACK_WEBHOOK_URL)}. */
  public String label() {
    return kind + " (" + (urlEnv != null ? urlEnv : url) + ")";
  }
}
