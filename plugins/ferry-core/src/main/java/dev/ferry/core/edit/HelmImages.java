package dev.ferry.core.edit;

import dev.ferry.core.InputException;
import dev.ferry.core.image.ImageRef;
import java.util.List;
import java.util.Optional;

/**
 * Every key of a Helm values file that holds an image of one repository: what {@code ferry edit
 * helm-image --all-of} and a helm target's {@code allOf: true} promote in one edit. Each key is set
 * as {@link HelmImage} sets one, so every layout rule (and refusal) applies to each.
 *
 * <pre>{@code ImageTarget.helmAllOf(ImageRef.parse("registry.example.com/shop/web")).write("values.yaml", text, image)}</pre>
 *
 * @param repository the repository whose keys are set
 * @param sha how a {@code sha} key holds a digest when its value does not say, or null (see {@link HelmImage})
 */
public record HelmImages(ImageRef repository, HelmImage.ShaForm sha) implements ImageTarget {

  public HelmImages(ImageRef repository) {
    this(repository, null);
  }

  /** The keys holding {@code repository}, in file order. */
  public List<YamlPath> keys(String fileName, String text) {
    return HelmImage.keysHolding(fileName, text, repository);
  }

  /**
   * @throws InputException when no key of the file holds the repository, naming the file
   */
  @Override
  public String write(String fileName, String text, ImageRef image) {
    List<YamlPath> keys = keys(fileName, text);
    if (keys.isEmpty()) {
      throw new InputException("no key of " + fileName + " holds an image of " + repository.name(), null,
          "check the service's image repository, or name the one key with 'key:'", null);
    }
    String after = text;
    for (YamlPath key : keys) {
      after = new HelmImage(key, sha).write(fileName, after, image);
    }
    // the same instance when nothing changed, as every ImageTarget promises
    return after.equals(text) ? text : after;
  }

  /** The image of the first key holding the repository. */
  @Override
  public Optional<ImageRef> read(String fileName, String text) {
    List<YamlPath> keys = keys(fileName, text);
    return keys.isEmpty() ? Optional.empty() : new HelmImage(keys.get(0), sha).read(fileName, text);
  }
}
