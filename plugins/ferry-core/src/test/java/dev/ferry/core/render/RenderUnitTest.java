package dev.ferry.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.InputException;
import dev.ferry.core.config.HelmTarget;
import dev.ferry.core.config.KustomizeTarget;
import dev.ferry.core.config.MarkerTarget;
import dev.ferry.core.config.YamlTarget;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RenderUnitTest {

  static final Path ROOT = Path.of("/tmp/before");

  @Test
  void helmTargetRendersItsChartWithItsValues() {
    assertThat(RenderUnit.forTarget(new HelmTarget("envs/dev/web/values.yaml", "image", "charts/app"), ROOT, "web", "dev"))
        .contains(new RenderUnit.Helm(ROOT.resolve("charts/app"), ROOT.resolve("envs/dev/web/values.yaml"), "web", "dev"));
  }

  @Test
  void kustomizeTargetRendersItsDirectory() {
    assertThat(RenderUnit.forTarget(new KustomizeTarget("envs/dev/api", Optional.empty()), ROOT, "api", "dev"))
        .contains(new RenderUnit.Kustomize(ROOT.resolve("envs/dev/api")));
  }

  @Test
  void plainYamlAndMarkerTargetsHaveNothingToRender() {
    assertThat(RenderUnit.forTarget(new YamlTarget("a.yaml", "spec.image"), ROOT, "db", "dev")).isEmpty();
    assertThat(RenderUnit.forTarget(new MarkerTarget("a.yaml"), ROOT, "db", "dev")).isEmpty();
  }

  @Test
  void pathsThatLeaveTheTreeAreRefused() {
    assertThatThrownBy(() -> RenderUnit.forTarget(new KustomizeTarget("envs/../../etc", Optional.empty()), ROOT, "a", "b"))
        .isInstanceOf(InputException.class).hasMessage("path 'envs/../../etc' leaves the repository");
    assertThatThrownBy(() -> RenderUnit.forTarget(new HelmTarget("/etc/values.yaml", "image", "."), ROOT, "a", "b"))
        .isInstanceOf(InputException.class).hasMessage("path '/etc/values.yaml' leaves the repository");
  }
}
