package dev.ferry.core.config;

/**
 * A YAML file whose image scalars carry a {@code # ferry:image <service>} comment:
 * {@code cron: {marker: "envs/{env}/cron.yaml"}}.
 *
 * <pre>{@code new MarkerTarget("envs/dev/cron.yaml")}</pre>
 *
 * @param path the file
 */
public record MarkerTarget(String path) implements TargetConfig {

  @Override
  public MarkerTarget resolve(String environment, String service) {
    return new MarkerTarget(TargetConfig.substitute(path, environment, service));
  }

  @Override
  public String kind() {
    return "marker";
  }
}
