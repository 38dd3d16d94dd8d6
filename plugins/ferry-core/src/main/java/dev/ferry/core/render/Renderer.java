package dev.ferry.core.render;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import dev.ferry.core.ChildEnvironment;
import dev.ferry.core.ExternalException;
import dev.ferry.core.InputException;
import dev.ferry.core.RefusedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Renders a {@link RenderUnit} to multi-document YAML: Helm in process (helm-java), Kustomize as a
 * process ({@code kubectl kustomize DIR} by default, or {@code kustomize build DIR}).
 *
 * <pre>{@code
 * Renderer renderer = new Renderer();
 * String manifests = renderer.render(new RenderUnit.Kustomize(Path.of("envs/dev/api")));
 * }</pre>
 *
 * <p>A missing chart or directory is bad input ({@link InputException}); a template or overlay that
 * does not render is refused ({@link RefusedException}) with the tool's own error text.
 */
public final class Renderer {

  /** How long a Kustomize build may run by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  private final List<String> kustomizeCommand;
  private final Duration timeout;

  /** {@code kubectl kustomize}, two minutes. */
  public Renderer() {
    this(List.of("kubectl", "kustomize"), DEFAULT_TIMEOUT);
  }

  /**
   * @param kustomizeCommand the command before the directory argument, e.g. {@code [kustomize, build]}
   * @param timeout how long one Kustomize build may run
   */
  public Renderer(List<String> kustomizeCommand, Duration timeout) {
    this.kustomizeCommand = List.copyOf(kustomizeCommand);
    this.timeout = timeout;
  }

  public String render(RenderUnit unit) {
    if (unit instanceof RenderUnit.Helm helm) {
      return helm(helm);
    }
    return kustomize((RenderUnit.Kustomize) unit);
  }

  private String helm(RenderUnit.Helm unit) {
    if (!Files.isRegularFile(unit.chartDir().resolve("Chart.yaml"))) {
      throw new InputException("no Helm chart in " + unit.chartDir() + " (it has no Chart.yaml)", null,
          "point the target's 'chart:' at the chart directory", null);
    }
    if (unit.valuesFile() != null && !Files.isRegularFile(unit.valuesFile())) {
      throw new InputException("values file " + unit.valuesFile() + " does not exist");
    }
    TemplateCommand template = new Helm(unit.chartDir()).template()
        .withName(unit.releaseName() == null ? "release" : unit.releaseName());
    if (unit.namespace() != null) {
      template = template.withNamespace(unit.namespace());
    }
    if (unit.valuesFile() != null) {
      template = template.withValuesFile(unit.valuesFile());
    }
    try {
      return template.call();
    } catch (RuntimeException e) {
      // helm-java reports the Go library's error text as the exception message
      throw new RefusedException("helm template failed for " + unit.describe() + ": " + e.getMessage(),
          "fix the chart or the values; nothing was written", e);
    }
  }

  private String kustomize(RenderUnit.Kustomize unit) {
    Path dir = unit.dir();
    if (!Files.isDirectory(dir)) {
      throw new InputException("Kustomize directory " + dir + " does not exist");
    }
    List<String> command = new ArrayList<>(kustomizeCommand);
    command.add(dir.toString());
    String shown = String.join(" ", command);
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("ferry-render", ".out");
      err = Files.createTempFile("ferry-render", ".err");
      // files, not pipes: a large render cannot block the process while we wait for it
      ProcessBuilder launch = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      // kustomize renders files: no token of the CI job reaches it or a plugin it might run
      ChildEnvironment.apply(launch, ChildEnvironment.of(ChildEnvironment.Program.MINIMAL, System.getenv(), Map.of()));
      Process process = launch.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new RefusedException(shown + " did not finish within " + timeout.toSeconds() + "s",
            "check the overlay for remote bases that cannot be reached", null);
      }
      String stderr = Files.readString(err, StandardCharsets.UTF_8).strip();
      if (process.exitValue() != 0) {
        throw new RefusedException(shown + " failed (exit " + process.exitValue() + "): " + stderr,
            "fix the overlay; nothing was written", null);
      }
      return Files.readString(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ExternalException("could not run " + shown + ": " + e.getMessage(),
          "install kubectl (it includes kustomize) or configure the kustomize command", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RefusedException("interrupted while running " + shown);
    } finally {
      delete(out);
      delete(err);
    }
  }

  private static void delete(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a leftover temp file is harmless
      }
    }
  }
}
