package dev.rollback.agent.request;

import java.util.Locale;

/** What asked for a revert; recorded in the ledger as the rollback's trigger. */
public enum Trigger {
    /** Instances reported {@code ROLLBACK_REQUESTED}. */
    HEALTH,
    /** An Alertmanager alert asked for it. */
    ALERT,
    /** A person or a tool, through the agent's API. */
    MANUAL;

    /**
     * Returns the name written in the ledger and in metric tags.
     *
     * @return {@code health}, {@code alert} or {@code manual}
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
