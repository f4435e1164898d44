package dev.surge.agent.workflow;

import java.util.List;

/**
 * Start argument of an owner directory run.
 *
 * @param tasks the owner's tasks, newest first, carried across continue-as-new
 */
public record OwnerDirectoryInput(List<OwnedTask> tasks) {

    /** The input of a new directory. */
    public static final OwnerDirectoryInput EMPTY = new OwnerDirectoryInput(List.of());
}
