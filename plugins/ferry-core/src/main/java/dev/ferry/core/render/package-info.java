/**
 * The render guard: renders Helm charts (helm-java, in process) and Kustomize overlays
 * ({@code kubectl kustomize}) before and after a promotion's edit, and refuses a promotion whose
 * rendered manifests change more than the promoted images.
 *
 * <pre>{@code
 * Renderer renderer = new Renderer();
 * RenderDiff diff = new RenderGuard().check(renderer.render(before), renderer.render(after), promotedImages);
 * }</pre>
 */
package dev.ferry.core.render;
