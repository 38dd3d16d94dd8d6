package dev.ferry.core.config;

/**
 * Any YAML file and the path of the image scalar in it:
 * {@code db: {yaml: "envs/{env}/db.yaml", path: "spec.template.spec.containers[0].image"}}.
 *
 * <pre>{@code new YamlTarget("envs/dev/db.yaml", "spec.template.spec.containers[0].image")}</pre>
 *
 * @param path the file
 * @param yamlPath the path of the scalar (dots and {@code [n]}; {@code ["a.b"]} for keys with dots)
 */
public record YamlTarget(String path, String yamlPath) implements TargetConfig {

  @Override
  public YamlTarget resolve(String environment, String service) {
    return new YamlTarget(TargetConfig.substitute(path, environment, service), yamlPath);
  }

  @Override
  public String kind() {
    return "yaml";
  }
}
