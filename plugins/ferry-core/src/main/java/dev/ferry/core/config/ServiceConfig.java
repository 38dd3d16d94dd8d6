package dev.ferry.core.config;

import dev.ferry.core.SourceLocation;
import dev.ferry.core.image.ImageRef;

/**
 * A service Ferry promotes ({@code services.<name>}) and the image repository it is built into.
 *
 * <pre>{@code config.service("web").image().sameRepository(ImageRef.parse("registry.example.com/shop/web:1.4.2"))}</pre>
 *
 * @param name the key under {@code services}
 * @param image the repository, without tag or digest
 * @param location where the entry starts in {@code ferry.yaml}
 */
public record ServiceConfig(String name, ImageRef image, SourceLocation location) { }
