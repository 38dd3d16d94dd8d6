package dev.ferry.core.edit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.image.ImageRef;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Renders real overlays with {@code kubectl kustomize} before and after Ferry sets the image: the
 * only change in the rendered manifests must be the image of the containers that used it.
 */
class KustomizeImageRenderTest {

  static final String DIGEST = "sha256:" + "c".repeat(64);

  @TempDir
  Path work;

  @ParameterizedTest
  @ValueSource(strings = {"overlay-without-images", "overlay-with-other-image", "overlay-with-entry"})
  void renderedOutputChangesOnlyTheImage(String overlay) throws Exception {
    copyFixtures();
    Path dir = work.resolve(overlay);
    Path file = Kustomization.find(dir);
    String before = Files.readString(file);
    Map<String, Object> renderedBefore = render(dir);

    ImageRef image = ImageRef.parse("registry.example.com/shop/web:1.4.2@" + DIGEST);
    String after = ImageTarget.kustomize("registry.example.com/shop/web").write(file.toString(), before, image);
    AtomicFile.writeIfChanged(file, before, after);
    Map<String, Object> renderedAfter = render(dir);

    Map<String, Object> changes = new TreeMap<>();
    diff("", renderedBefore, renderedAfter, changes);
    String expected = "registry.example.com/shop/web:1.4.2@" + DIGEST;
    assertThat(changes).containsOnlyKeys(
        "Deployment/web.spec.template.spec.containers[0].image",
        "Deployment/web.spec.template.spec.initContainers[0].image");
    assertThat(changes.values()).containsOnly(expected);
    assertThat(ImageTarget.kustomize("registry.example.com/shop/web").read(file.toString(), after)).contains(image);
  }

  private void copyFixtures() throws IOException, URISyntaxException {
    Path source = Path.of(getClass().getResource("overlay").toURI());
    try (Stream<Path> files = Files.walk(source)) {
      for (Path p : files.toList()) {
        Path target = work.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  /** The rendered documents keyed by kind/name. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> render(Path dir) throws Exception {
    Process p = new ProcessBuilder(List.of("kubectl", "kustomize", dir.toString())).start();
    CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    byte[] stdout = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("kubectl kustomize " + dir + " took longer than 60 s");
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("kubectl kustomize " + dir + " failed: "
          + new String(stderr.get(), StandardCharsets.UTF_8));
    }
    Map<String, Object> docs = new TreeMap<>();
    for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(new String(stdout, StandardCharsets.UTF_8))) {
      Map<String, Object> m = (Map<String, Object>) doc;
      docs.put(m.get("kind") + "/" + ((Map<String, Object>) m.get("metadata")).get("name"), m);
    }
    return docs;
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  @SuppressWarnings("unchecked")
  private static void diff(String path, Object a, Object b, Map<String, Object> changes) {
    if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
      List<Object> keys = new ArrayList<>(ma.keySet());
      mb.keySet().stream().filter(k -> !ma.containsKey(k)).forEach(keys::add);
      for (Object k : keys) {
        diff(path.isEmpty() ? k.toString() : path + "." + k, ma.get(k), mb.get(k), changes);
      }
    } else if (a instanceof List<?> la && b instanceof List<?> lb && la.size() == lb.size()) {
      for (int i = 0; i < la.size(); i++) {
        diff(path + "[" + i + "]", la.get(i), lb.get(i), changes);
      }
    } else if (a == null ? b != null : !a.equals(b)) {
      changes.put(path, b);
    }
  }
}
