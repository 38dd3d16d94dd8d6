package dev.ferry.core;

/**
 * Receives the core's events. The CLI prints them to stderr; tests collect them.
 *
 * <pre>{@code FerryListener listener = event -> System.err.println(event.message());}</pre>
 */
@FunctionalInterface
public interface FerryListener {

  FerryListener NONE = event -> { };

  void on(FerryEvent event);
}
