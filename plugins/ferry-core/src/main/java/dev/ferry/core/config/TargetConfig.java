package dev.ferry.core.config;

/**
 * Where an environment keeps one service's image, as written under {@code targets:}. Paths are
 * relative to the environment repository's root, with {@code /} separators; in the records that
 * {@link EnvironmentConfig#targetFor(String)} returns, {@code {env}} and {@code {service}} are
 * already replaced.
 *
 * <pre>{@code
 * TargetConfig target = config.target("dev", "web");
 * if (target instanceof HelmTarget helm) {
 *   editor.helmImage(helm.path(), helm.key(), image);
 * } else if (target instanceof KustomizeTarget k) {
 *   editor.kustomizeImage(k.path(), k.name().orElseThrow(), image);
 * } // YamlTarget: path() and yamlPath(); MarkerTarget: path()
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
