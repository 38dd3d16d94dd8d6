package dev.ferry.core.promote;

import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryException;
import dev.ferry.core.FerryListener;
import dev.ferry.core.config.EnvironmentConfig;
import dev.ferry.core.config.HelmTarget;
import dev.ferry.core.config.KustomizeTarget;
import dev.ferry.core.git.EnvRepo;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.render.RenderProof;
import dev.ferry.core.render.RenderSources;
import dev.ferry.core.render.RenderUnit;
import dev.ferry.core.render.Renderer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The render proof of a promotion's edits: wherever Ferry can render a target (a Helm chart in the
 * repository, the target's {@code chart:} or the values file's folder; a Kustomize overlay), it
 * renders it after the edit and checks with {@link RenderProof} that the service's containers run
 * exactly the promoted image. A target whose render already fails before the edit cannot prove
 * anything and is skipped with a warning, unless the environment has {@code render: true}.
 */
final class EditProof {

  private final FerryListener listener;

  EditProof(FerryListener listener) {
    this.listener = listener;
  }

  /** The reasons the edits are not proven; empty when proven or when nothing can render. */
  List<String> check(EnvRepo repo, String head, EnvironmentConfig env, List<TargetFile> targets,
      List<Plan.FileChangePlan> files, Map<String, ImageRef> images) {
    Set<String> changedPaths = new LinkedHashSet<>();
    files.stream().filter(f -> !f.before().equals(f.after())).forEach(f -> changedPaths.add(f.path()));
    List<TargetFile> renderable = targets.stream()
        .filter(t -> changedPaths.contains(t.path()) && renderable(repo, head, t)).toList();
    if (renderable.isEmpty()) {
      return List.of();
    }
    List<String> refusals = new ArrayList<>();
    Path work = null;
    try {
      work = Files.createTempDirectory("ferry-proof-");
      Path before = work.resolve("before");
      Path after = work.resolve("after");
      repo.exportTree(head, "", before);
      repo.exportTree(head, "", after);
      for (Plan.FileChangePlan f : files) {
        Files.writeString(after.resolve(f.path()), f.after(), StandardCharsets.UTF_8);
      }
      // one render per chart or overlay, proving every service edited in it
      Map<String, List<TargetFile>> byUnit = new LinkedHashMap<>();
      for (TargetFile t : renderable) {
        Optional<RenderUnit> unit = RenderUnit.forTarget(t.config(), before, t.service(), env.name());
        unit.ifPresent(u -> byUnit.computeIfAbsent(u.describe(), k -> new ArrayList<>()).add(t));
      }
      Renderer renderer = new Renderer();
      for (List<TargetFile> group : byUnit.values()) {
        TargetFile first = group.get(0);
        String edited = String.join(", ", group.stream().map(EditProof::describe).toList());
        String renderedBefore;
        // the repository's content is input: nothing remote, nothing outside the exported tree, before any render
        RenderSources.check(before, RenderUnit.forTarget(first.config(), before, first.service(), env.name()).get());
        RenderSources.check(after, RenderUnit.forTarget(first.config(), after, first.service(), env.name()).get());
        try {
          renderedBefore = renderer.render(RenderUnit.forTarget(first.config(), before, first.service(), env.name()).get());
        } catch (FerryException e) {
          if (env.render()) {
            throw e;
          }
          listener.on(FerryEvent.warn("render", "cannot render " + first.config().path() + " before the edit, so the"
              + " render does not prove it: " + e.getMessage()));
          continue;
        }
        listener.on(FerryEvent.progress("render", "proving the edit of " + first.path() + " by its render"));
        Set<ImageRef> promoted = new LinkedHashSet<>();
        group.forEach(t -> promoted.add(images.get(t.service())));
        try {
          String renderedAfter = renderer.render(RenderUnit.forTarget(first.config(), after, first.service(),
              env.name()).get());
          if (!new RenderProof().check(renderedBefore, renderedAfter, promoted, edited)) {
            listener.on(FerryEvent.warn("render", "no container of " + first.config().path() + " runs "
                + String.join(", ", promoted.stream().map(ImageRef::toString).toList())
                + ": its render does not prove the edit"));
          }
        } catch (FerryException e) {
          refusals.add(e.getMessage());
        }
      }
      return refusals;
    } catch (IOException e) {
      throw new ExternalException("cannot prepare the render proof of '" + env.name() + "': " + e.getMessage(), e);
    } finally {
      delete(work);
    }
  }

  private static String describe(TargetFile t) {
    if (t.config() instanceof HelmTarget helm) {
      return helm.allOf() && t.target() instanceof dev.ferry.core.edit.HelmImages all
          ? t.path() + " every key holding " + all.repository().name()
          : t.path() + " key '" + helm.key() + "'";
    }
    return t.path();
  }

  /** A Helm target whose chart is in the repository, or a Kustomize overlay. */
  private static boolean renderable(EnvRepo repo, String head, TargetFile t) {
    if (t.config() instanceof HelmTarget helm) {
      String chart = helm.chart() == null || helm.chart().equals(".") ? "" : helm.chart() + "/";
      return repo.readFile(head, chart + "Chart.yaml").isPresent();
    }
    return t.config() instanceof KustomizeTarget;
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // a temp folder left behind is harmless
    }
  }
}
