package dev.ferry.core.render;

import dev.ferry.core.InputException;
import dev.ferry.core.config.HelmTarget;
import dev.ferry.core.config.KustomizeTarget;
import dev.ferry.core.config.TargetConfig;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Something the render guard can render to Kubernetes manifests: a Helm chart with a values file,
 * or a Kustomize directory. Paths are on the local disk (the engine materialises the environment
 * repository's tree before and after the edit).
 *
 * <pre>{@code
 * String before = renderer.render(new RenderUnit.Helm(dir.resolve("charts/app"), dir.resolve("envs/dev/web/values.yaml"), "web", "dev"));
 * String after = renderer.render(new RenderUnit.Kustomize(dir.resolve("envs/dev/api")));
 * }</pre>
 */
public sealed interface RenderUnit {

  /** What to call it in messages. */
  String describe();

  /**
   * What renders a resolved target inside a materialised repository tree: the Helm chart with the
   * target's values file, or the Kustomize directory. Plain YAML and marker targets have nothing to
   * render.
   *
   * <pre>{@code RenderUnit.forTarget(config.target("dev", "web"), beforeDir, "web", "dev")}</pre>
   *
   * @param target a target with placeholders already replaced
   * @param root the directory holding the repository's files
   * @param releaseName the Helm release name (the service, usually)
   * @param namespace the Helm namespace (the environment, usually), or null
   * @throws InputException when a path of the target would leave {@code root}
   */
  static Optional<RenderUnit> forTarget(TargetConfig target, Path root, String releaseName, String namespace) {
    if (target instanceof HelmTarget helm) {
      return Optional.of(new Helm(inside(root, helm.chart()), inside(root, helm.path()), releaseName, namespace));
    }
    if (target instanceof KustomizeTarget kustomize) {
      return Optional.of(new Kustomize(inside(root, kustomize.path())));
    }
    return Optional.empty();
  }

  /** Joins a repository path under root, refusing one that climbs out (the config check is not the only caller). */
  private static Path inside(Path root, String path) {
    Path base = root.toAbsolutePath().normalize();
    Path joined = base.resolve(path).normalize();
    if (!joined.startsWith(base) || Path.of(path).isAbsolute()) {
      throw new InputException("path '" + path + "' leaves the repository");
    }
    return joined;
  }

  /**
   * {@code helm template RELEASE CHART -f VALUES -n NAMESPACE}.
   *
   * @param chartDir the directory holding {@code Chart.yaml}
   * @param valuesFile the values file, or null for the chart's own values only
   * @param releaseName the release name the templates see
   * @param namespace the namespace the templates see, or null
   */
  record Helm(Path chartDir, Path valuesFile, String releaseName, String namespace) implements RenderUnit {
    @Override
    public String describe() {
      return "Helm chart " + chartDir + (valuesFile == null ? "" : " with values " + valuesFile);
    }
  }

  /** @param dir the directory holding {@code kustomization.yaml} */
  record Kustomize(Path dir) implements RenderUnit {
    @Override
    public String describe() {
      return "Kustomize directory " + dir;
    }
  }
}
