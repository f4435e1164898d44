package dev.surge.agent.workflow;

/** Why an owner directory refused an update; travels as the failure message's prefix, as {@link MessageRejection}. */
public enum DirectoryRejection {
    TOO_MANY_OPEN_TASKS;

    /** The exception message carrying this rejection. */
    public String message(String detail) {
        return name() + ": " + detail;
    }
}
