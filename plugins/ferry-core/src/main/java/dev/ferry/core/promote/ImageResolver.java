package dev.ferry.core.promote;

import dev.ferry.core.image.ImageRef;
import dev.ferry.core.image.RegistryClient;

/**
 * Pins an image before it is written: a tag becomes {@code tag@digest}, looked up in the image's
 * registry, so that what is promoted cannot move under the environment.
 *
 * <pre>{@code ImageResolver resolver = ImageResolver.registry(new RegistryClient(access));}</pre>
 */
@FunctionalInterface
public interface ImageResolver {

  /** Writes references as given ({@code --no-resolve}): what is recorded and compared is what was written. */
  ImageResolver AS_GIVEN = image -> image;

  ImageRef resolve(ImageRef image);

  /** Asks the registry for the digest of the tag; references that carry a digest are kept. */
  static ImageResolver registry(RegistryClient client) {
    return image -> image.digest() != null ? image : image.withDigest(client.resolveDigest(image));
  }
}
