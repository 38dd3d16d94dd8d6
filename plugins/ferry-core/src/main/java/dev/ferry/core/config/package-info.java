/**
 * {@code ferry.yaml} to immutable records. {@link dev.ferry.core.config.ConfigLoader} composes the
 * file to positioned YAML nodes, a validator collects every problem with its line and column, and
 * only then a builder fills in the defaults. The JSON Schema for editors is the resource
 * {@code ferry.schema.json} beside these classes.
 *
 * <pre>{@code FerryConfig config = ConfigLoader.load(Path.of("ferry.yaml"));}</pre>
 */
package dev.ferry.core.config;
