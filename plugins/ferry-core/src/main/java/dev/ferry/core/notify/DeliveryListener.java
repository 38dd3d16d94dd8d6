package dev.ferry.core.notify;

/**
 * Receives what happened to environments as the core writes it. The CLI and {@code ferry serve}
 * hand the core a {@link Notifier}; tests collect the events.
 */
@FunctionalInterface
public interface DeliveryListener {

  DeliveryListener NONE = event -> { };

  void on(DeliveryEvent event);
}
