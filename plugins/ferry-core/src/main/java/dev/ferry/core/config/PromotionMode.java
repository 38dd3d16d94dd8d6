package dev.ferry.core.config;

/** How a promotion reaches the branch: {@code mode: direct} (default) pushes; {@code pull-request} opens one. */
public enum PromotionMode { DIRECT, PULL_REQUEST }
