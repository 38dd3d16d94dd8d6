package dev.ferry.core.edit;

import dev.ferry.core.image.ImageRef;
import java.util.Optional;

/**
 * A full image reference at a YAML path, e.g. {@code spec.template.spec.containers[0].image}, in
 * every document of the file that has the path.
 *
 * <pre>{@code ImageTarget.yamlPath("spec.template.spec.containers[0].image")}</pre>
 *
 * @param path where the reference is
 */
public record PathImage(YamlPath path) implements ImageTarget {

  @Override
  public String write(String fileName, String text, ImageRef image) {
    return YamlEditor.set(fileName, text, path, image.toString(), DocumentSelector.all());
  }

  @Override
  public Optional<ImageRef> read(String fileName, String text) {
    return YamlEditor.get(fileName, text, path, DocumentSelector.all()).flatMap(ImageTarget::parseQuietly);
  }
}
