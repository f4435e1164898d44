package dev.surge.agent.workflow;

import java.util.ArrayList;
import java.util.List;

import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;

/**
 * An owner's task list. Handlers never block, so a validator and its handler see the same state: two replicas
 * creating tasks for one owner at once cannot both pass the quota.
 */
public class OwnerDirectoryImpl implements OwnerDirectory {

    /** Ended tasks kept for listing beyond the open ones; older ones are forgotten so the input stays small. */
    static final int RETAINED_ENDED = 1000;

    private final List<OwnedTask> tasks;

    @WorkflowInit
    public OwnerDirectoryImpl(OwnerDirectoryInput input) {
        this.tasks = new ArrayList<>(input.tasks());
    }

    @Override
    public void run(OwnerDirectoryInput input) {
        Workflow.await(() -> Workflow.getInfo().isContinueAsNewSuggested());
        Workflow.await(Workflow::isEveryHandlerFinished);
        Workflow.continueAsNew(new OwnerDirectoryInput(List.copyOf(tasks)));
    }

    @Override
    public void validateOpenTask(OpenTask task) {
        if (indexOf(task.taskId()) < 0 && openCount() >= task.maxOpen()) {
            throw new IllegalStateException(DirectoryRejection.TOO_MANY_OPEN_TASKS.message(
                    "at most " + task.maxOpen() + " open tasks; end one first"));
        }
    }

    @Override
    public void openTask(OpenTask task) {
        if (indexOf(task.taskId()) < 0) {
            tasks.add(0, OwnedTask.opened(task.taskId(), task.agent(), task.createdAt()));
        }
    }

    @Override
    public void taskEnded(String taskId) {
        int index = indexOf(taskId);
        if (index >= 0) {
            tasks.set(index, tasks.get(index).closed());
        }
        forgetOldEnded();
    }

    @Override
    public void taskUpdated(TaskActivity activity) {
        int index = indexOf(activity.taskId());
        if (index < 0) {
            return;
        }
        OwnedTask updated = tasks.get(index).updated(activity);
        tasks.set(index, updated);
        if (!updated.open()) {
            forgetOldEnded();
        }
    }

    private void forgetOldEnded() {
        int ended = 0;
        for (int i = 0; i < tasks.size(); i++) {
            if (!tasks.get(i).open() && ++ended > RETAINED_ENDED) {
                tasks.remove(i--);
            }
        }
    }

    @Override
    public List<OwnedTask> tasks() {
        return List.copyOf(tasks);
    }

    private long openCount() {
        return tasks.stream().filter(OwnedTask::open).count();
    }

    private int indexOf(String taskId) {
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i).taskId().equals(taskId)) {
                return i;
            }
        }
        return -1;
    }
}
