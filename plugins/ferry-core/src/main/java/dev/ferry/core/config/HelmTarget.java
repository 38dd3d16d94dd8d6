package dev.ferry.core.config;

/**
 * A Helm values file: {@code web: {helm: "envs/{env}/web/values.yaml", key: image, chart: charts/app}}.
 *
 * <pre>{@code new HelmTarget("envs/dev/web/values.yaml", "image", "envs/dev/web")}</pre>
 *
 * @param path the values file
 * @param key the key of the image block in it; {@code image} by default, dotted for nested keys
 * @param chart the chart directory (holding {@code Chart.yaml}) the render guard renders;
 *     the values file's directory by default
 */
public record HelmTarget(String path, String key, String chart) implements TargetConfig {

  @Override
  public HelmTarget resolve(String environment, String service) {
    return new HelmTarget(TargetConfig.substitute(path, environment, service), key,
        TargetConfig.substitute(chart, environment, service));
  }

  @Override
  public String kind() {
    return "helm";
  }
}
