package dev.surge.agent.workflow;

import java.util.List;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One owner's tasks, one workflow per owner (id {@link WorkflowIds#ofOwner}). Every replica registers the tasks it
 * creates here and every conversation reports its end here, so the open-task quota holds across replicas: Temporal
 * runs the updates of one workflow one at a time. The list, newest first, is also what a listing of the caller's own
 * tasks reads.
 */
@WorkflowInterface
public interface OwnerDirectory {

    /** Runs for as long as the owner exists, continuing as new when its history grows large. */
    @WorkflowMethod
    void run(OwnerDirectoryInput input);

    /** Registers a new open task. */
    @UpdateMethod
    void openTask(OpenTask task);

    /** Refuses a task beyond the owner's open-task quota ({@link DirectoryRejection#TOO_MANY_OPEN_TASKS}). */
    @UpdateValidatorMethod(updateName = "openTask")
    void validateOpenTask(OpenTask task);

    /** Marks a task ended; sent by the conversation itself when it ends or is cancelled. */
    @SignalMethod
    void taskEnded(String taskId);

    /** Records a conversation's progress (message count, last activity) or its end, with how it ended. */
    @SignalMethod
    void taskUpdated(TaskActivity activity);

    /** The owner's tasks, newest first: all open ones and the most recently ended ones. */
    @QueryMethod
    List<OwnedTask> tasks();
}
