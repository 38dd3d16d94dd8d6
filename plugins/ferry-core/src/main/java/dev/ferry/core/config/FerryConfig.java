package dev.ferry.core.config;

import dev.ferry.core.InputException;
import dev.ferry.core.SourceLocation;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A loaded, validated {@code ferry.yaml}. Immutable; maps keep the order of the file.
 *
 * <pre>{@code
 * FerryConfig config = ConfigLoader.load(Path.of("ferry.yaml"));
 * ServiceConfig web = config.service("web");
 * for (String env : config.environmentOrder()) { ... }
 * }</pre>
 *
 * @param file the file it was read from
 * @param author the author of Ferry's commits; {@link GitAuthor#DEFAULT} when not configured
 * @param metrics the window and targets of the delivery metrics ({@code metrics:})
 * @param notifications who is told of promotions, verifications, rollbacks and releases ({@code notifications:})
 * @param signing how Ferry signs its commits ({@code git.signing}), or null: unsigned
 * @param trust whose signatures count when records are read back ({@code git.trust}), or null:
 *     every commit with Ferry's trailers counts
 */
public record FerryConfig(Path file, Map<String, RepoConfig> repos, Map<String, RegistryConfig> registries,
    Map<String, ServiceConfig> services, Map<String, EnvironmentConfig> environments, GitAuthor author,
    MetricsConfig metrics, List<NotificationConfig> notifications, SigningConfig signing, TrustConfig trust) {

  public FerryConfig(Path file, Map<String, RepoConfig> repos, Map<String, RegistryConfig> registries,
      Map<String, ServiceConfig> services, Map<String, EnvironmentConfig> environments, GitAuthor author) {
    this(file, repos, registries, services, environments, author, MetricsConfig.DEFAULT, List.of(), null, null);
  }

  public FerryConfig {
    notifications = List.copyOf(notifications);
    repos = frozen(repos);
    registries = frozen(registries);
    services = frozen(services);
    environments = frozen(environments);
  }

  private static <V> Map<String, V> frozen(Map<String, V> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  /** @throws InputException naming the known services, located at {@code ferry.yaml} */
  public ServiceConfig service(String name) {
    ServiceConfig service = services.get(name);
    if (service == null) {
      throw unknown("service", name, services.keySet());
    }
    return service;
  }

  /** @throws InputException naming the known environments, located at {@code ferry.yaml} */
  public EnvironmentConfig environment(String name) {
    EnvironmentConfig environment = environments.get(name);
    if (environment == null) {
      throw unknown("environment", name, environments.keySet());
    }
    return environment;
  }

  /** The repository an environment writes to. */
  public RepoConfig repoOf(String environment) {
    return repos.get(environment(environment).repo());
  }

  /**
   * The fully resolved target of a service in an environment: placeholders replaced and, for
   * Kustomize, the image name filled in from the service when not configured.
   */
  public TargetConfig target(String environment, String service) {
    ServiceConfig s = service(service);
    TargetConfig target = environment(environment).targetFor(service);
    if (target instanceof KustomizeTarget k && k.name().isEmpty()) {
      return new KustomizeTarget(k.path(), java.util.Optional.of(s.image().name()));
    }
    return target;
  }

  /** Environment names in the order written. */
  public List<String> environmentOrder() {
    return List.copyOf(environments.keySet());
  }

  /** How to reach a registry: its entry under {@code registries}, else https and anonymous. */
  public RegistryConfig registry(String host) {
    return registries.getOrDefault(host, RegistryConfig.defaults(host));
  }

  private InputException unknown(String what, String name, java.util.Set<String> known) {
    return new InputException("unknown " + what + " '" + name + "' (" + Names.known(name, known) + ")",
        SourceLocation.of(file, 0, 0));
  }
}
