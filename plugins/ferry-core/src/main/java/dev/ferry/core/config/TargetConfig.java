package dev.ferry.core.config;

/**
 * Where an environment keeps one service's image, as written under {@code targets:}. Paths are
 * relative to the environment repository's root, with {@code /} separators; in the records that
 * {@link EnvironmentConfig#targetFor(String)} returns, {@code {env}} and {@code {service}} are
 * already replaced.
 *
 * <pre>{@code
 * switch (env.targetFor("web")) {
 *   case HelmTarget helm -> editor.helmImage(helm.path(), helm.key(), image);
 *   case KustomizeTarget k -> editor.kustomizeImage(k.path(), k.name().orElse(service.image().name()), image);
 *   case YamlTarget y -> editor.yaml(y.path(), y.yamlPath(), image);
 *   case MarkerTarget m -> editor.markers(m.path(), "web", image);
 * }
 * }</pre>
 */
public sealed interface TargetConfig permits HelmTarget, KustomizeTarget, YamlTarget, MarkerTarget {

  /** The file (or, for Kustomize, the directory) that holds the image. */
  String path();

  /** This target with {@code {env}} and {@code {service}} replaced in its paths. */
  TargetConfig resolve(String environment, String service);

  /** The key that selects this kind of target in {@code ferry.yaml}: helm, kustomize, yaml or marker. */
  String kind();

  static String substitute(String text, String environment, String service) {
    return text.replace("{env}", environment).replace("{service}", service);
  }
}
