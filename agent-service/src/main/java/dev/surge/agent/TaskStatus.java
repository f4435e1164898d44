package dev.surge.agent;

/** Lifecycle of a task, derived from the Temporal execution status of its conversation workflow. */
public enum TaskStatus {
    RUNNING,
    COMPLETED,
    CANCELED,
    FAILED
}
