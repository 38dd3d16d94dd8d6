package dev.ferry.core.config;

/**
 * A Helm values file: {@code web: {helm: "envs/{env}/web/values.yaml", key: image, chart: charts/app}},
 * or {@code {helm: ..., allOf: true}} to set every key of the file that holds the service's
 * repository (as {@code ferry edit helm-image --all-of}).
 *
 * <pre>{@code new HelmTarget("envs/dev/web/values.yaml", "image", "envs/dev/web")}</pre>
 *
 * @param path the values file
 * @param key the key of the image block in it; {@code image} by default, dotted for nested keys
 * @param chart the chart directory (holding {@code Chart.yaml}) the render guard renders;
 *     the values file's directory by default
 * @param allOf whether every key holding the service's image repository is set, instead of {@code key}
 */
public record HelmTarget(String path, String key, String chart, boolean allOf) implements TargetConfig {

  /** One key's image. */
  public HelmTarget(String path, String key, String chart) {
    this(path, key, chart, false);
  }

  @Override
  public HelmTarget resolve(String environment, String service) {
    return new HelmTarget(TargetConfig.substitute(path, environment, service), key,
        TargetConfig.substitute(chart, environment, service), allOf);
  }

  @Override
  public String kind() {
    return "helm";
  }
}
