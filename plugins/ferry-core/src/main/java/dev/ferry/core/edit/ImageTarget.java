package dev.ferry.core.edit;

import dev.ferry.core.InputException;
import dev.ferry.core.image.ImageRef;
import java.util.Optional;

/**
 * One place in a YAML file that holds an image; reads and writes it without disturbing anything
 * else in the file.
 *
 * <pre>{@code
 * ImageTarget target = ImageTarget.helm("image");
 * String after = target.write("values.yaml", before, ImageRef.parse("registry.example.com/shop/web:1.4.2"));
 * if (after == before) { ... already in place ... }
 * }</pre>
 */
public sealed interface ImageTarget permits HelmImage, HelmImages, KustomizeImage, MarkerImage, PathImage {

  /**
   * Returns {@code text} with the image set; the SAME String instance ({@code ==}) when the image
   * is already in place.
   *
   * @throws InputException with file:line:column when the file is not valid YAML or has no place
   *     for the image
   */
  String write(String fileName, String text, ImageRef image);

  /** The image this target currently holds, if the file has one there (for status and rollback). */
  Optional<ImageRef> read(String fileName, String text);

  /**
   * Helm values: under {@code key} (a path such as {@code image} or {@code web.image}) the fields
   * {@code registry}, {@code repository}, {@code tag} and {@code digest} the file uses, or the
   * single-string form {@code image: repo:tag}.
   */
  static ImageTarget helm(String key) {
    return new HelmImage(YamlPath.parse(key == null || key.isEmpty() ? "image" : key));
  }

  /**
   * Helm values: every key of the file that holds an image of {@code repository} (any tag), each
   * set as {@link #helm(String)} sets one.
   */
  static ImageTarget helmAllOf(ImageRef repository) {
    return new HelmImages(repository);
  }

  /**
   * The {@code images:} entry named {@code name} of a kustomization, with the semantics of
   * {@code kustomize edit set image}; the entry (and the {@code images:} key) are added when
   * missing.
   */
  static ImageTarget kustomize(String name) {
    return new KustomizeImage(name);
  }

  /** Every scalar whose line carries the comment {@code # ferry:image NAME}. */
  static ImageTarget marker(String markerName) {
    return new MarkerImage(markerName);
  }

  /** The scalar at a YAML path holding a full image reference, in every document that has it. */
  static ImageTarget yamlPath(String path) {
    return new PathImage(YamlPath.parse(path));
  }

  /** Parses a value found in a file; empty when it is not a valid reference. */
  static Optional<ImageRef> parseQuietly(String value) {
    try {
      return Optional.of(ImageRef.parse(value));
    } catch (InputException e) {
      return Optional.empty();
    }
  }
}
