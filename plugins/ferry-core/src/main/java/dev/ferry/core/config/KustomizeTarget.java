package dev.ferry.core.config;

import java.util.Optional;

/**
 * A Kustomize overlay directory whose {@code kustomization.yaml} lists images:
 * {@code api: {kustomize: "envs/{env}/api", name: shop/api}}.
 *
 * <pre>{@code target.name().orElse(service.image().name())}</pre>
 *
 * @param path the directory holding {@code kustomization.yaml}
 * @param name the {@code images[].name} to set; when empty, the service's image name
 */
public record KustomizeTarget(String path, Optional<String> name) implements TargetConfig {

  @Override
  public KustomizeTarget resolve(String environment, String service) {
    return new KustomizeTarget(TargetConfig.substitute(path, environment, service), name);
  }

  @Override
  public String kind() {
    return "kustomize";
  }

  /** The {@code images[].name} to set for a service: the configured name, else its image name. */
  public String imageName(ServiceConfig service) {
    return name.orElse(service.image().name());
  }
}
