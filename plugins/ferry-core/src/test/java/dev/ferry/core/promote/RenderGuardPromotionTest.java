package dev.ferry.core.promote;

import static dev.ferry.core.promote.EnvFixture.WEB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.RefusedException;
import dev.ferry.core.image.ImageRef;
import dev.ferry.testing.GitDaemon.Git;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code render: true} renders the real chart (helm-java) before and after the edit. */
class RenderGuardPromotionTest {

  static final String DIGEST = "sha256:" + "5".repeat(64);

  @TempDir Path dir;

  static final String CHART = "apiVersion: v2\nname: app\nversion: 0.1.0\n";

  static String deployment(String extraLabel) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ .Release.Name }}
          labels:
            app: {{ .Release.Name }}%s
        spec:
          replicas: {{ .Values.replicaCount }}
          selector:
            matchLabels: {app: {{ .Release.Name }}}
          template:
            metadata:
              labels: {app: {{ .Release.Name }}}
            spec:
              containers:
                - name: app
                  image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
        """.formatted(extraLabel);
  }

  Promoter promoter(String template) throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("charts/app/Chart.yaml", CHART);
    files.put("charts/app/templates/deployment.yaml", template);
    files.put("envs/dev/web/values.yaml", EnvFixture.values(WEB, "1.0.0"));
    Path bare = EnvFixture.bareRepo(dir, files);
    return EnvFixture.webInDev(dir, bare, "{helm: \"envs/{env}/{service}/values.yaml\", chart: charts/app}",
        "render: true");
  }

  @Test
  void planShowsTheRenderedImageChangeAndPromotes() throws Exception {
    try (Promoter p = promoter(deployment(""))) {
      PromotionRequest request = PromotionRequest.to("dev").image("web", ImageRef.parse(WEB + ":1.1.0@" + DIGEST));
      Plan plan = p.plan(request);
      assertThat(plan.render()).isNotNull();
      assertThat(plan.render().onlyImages()).isTrue();
      assertThat(plan.render().changedImages()).singleElement().asString().contains("1.0.0").contains("1.1.0");
      assertThat(p.promote(request).noop()).isFalse();
    }
  }

  @Test
  void refusesWhenTheChartUsesTheTagForMoreThanTheImage() throws Exception {
    String before = null;
    try (Promoter p = promoter(deployment("\n    version: \"{{ .Values.image.tag }}\""))) {
      before = p.repoOf("dev").head();
      assertThatThrownBy(() -> p.promote(PromotionRequest.to("dev").image("web", ImageRef.parse(WEB + ":1.1.0@" + DIGEST))))
          .isInstanceOf(RefusedException.class)
          .hasMessageContaining("changes more than the images")
          .hasMessageContaining("version");
    }
    assertThat(Git.run(dir.resolve("env.git"), "rev-parse", "main").trim()).isEqualTo(before);
  }

  @Test
  void refusesWhenTheChartDoesNotRender() throws Exception {
    try (Promoter p = promoter(deployment("") + "  broken: {{ .Values.nope.missing }}\n")) {
      assertThatThrownBy(() -> p.plan(PromotionRequest.to("dev").image("web", ImageRef.parse(WEB + ":1.1.0@" + DIGEST))))
          .isInstanceOf(dev.ferry.core.FerryException.class)
          .hasMessageContaining("nope");
    }
  }
}
