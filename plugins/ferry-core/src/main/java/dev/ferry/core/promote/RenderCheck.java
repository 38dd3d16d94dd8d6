package dev.ferry.core.promote;

import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import dev.ferry.core.config.EnvironmentConfig;
import dev.ferry.core.git.EnvRepo;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.render.RenderDiff;
import dev.ferry.core.render.RenderGuard;
import dev.ferry.core.render.RenderSources;
import dev.ferry.core.render.RenderUnit;
import dev.ferry.core.render.Renderer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code render: true}: renders the Helm charts and Kustomize overlays a promotion touches, before
 * and after its edits, from the repository tree exported to a temporary folder, and compares them.
 */
final class RenderCheck {

  private final FerryListener listener;

  RenderCheck(FerryListener listener) {
    this.listener = listener;
  }

  RenderDiff check(EnvRepo repo, String head, EnvironmentConfig env, List<TargetFile> targets,
      List<Plan.FileChangePlan> files, Map<String, ImageRef> images) {
    Path work = null;
    try {
      work = Files.createTempDirectory("ferry-render-");
      Path before = work.resolve("before");
      Path after = work.resolve("after");
      repo.exportTree(head, "", before);
      repo.exportTree(head, "", after);
      for (Plan.FileChangePlan f : files) {
        Files.writeString(after.resolve(f.path()), f.after(), StandardCharsets.UTF_8);
      }
      Set<String> seen = new LinkedHashSet<>();
      StringBuilder renderedBefore = new StringBuilder();
      StringBuilder renderedAfter = new StringBuilder();
      Renderer renderer = new Renderer();
      for (TargetFile t : targets) {
        Optional<RenderUnit> unit = RenderUnit.forTarget(t.config(), before, t.service(), env.name());
        if (unit.isEmpty() || !seen.add(unit.get().describe())) {
          continue;
        }
        listener.on(FerryEvent.progress("render", "rendering " + t.config().kind() + " " + t.config().path()
            + " before and after"));
        RenderUnit afterUnit = RenderUnit.forTarget(t.config(), after, t.service(), env.name()).get();
        // the repository's content is input: nothing remote, nothing outside the exported tree
        RenderSources.check(before, unit.get());
        RenderSources.check(after, afterUnit);
        renderedBefore.append(renderer.render(unit.get())).append("\n---\n");
        renderedAfter.append(renderer.render(afterUnit)).append("\n---\n");
      }
      return new RenderGuard().compare(renderedBefore.toString(), renderedAfter.toString(), new HashSet<>(images.values()));
    } catch (IOException e) {
      throw new ExternalException("cannot prepare the render of '" + env.name() + "': " + e.getMessage(), e);
    } finally {
      delete(work);
    }
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
