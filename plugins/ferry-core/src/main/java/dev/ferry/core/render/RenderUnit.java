package dev.ferry.core.render;

import java.nio.file.Path;

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
