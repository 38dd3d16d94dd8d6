package dev.ferry.core.config;

/** What Ferry does when a gate fails after a promotion: {@code rollback: manual} (default) or {@code auto}. */
public enum RollbackMode { MANUAL, AUTO }
