package dev.rollback.agent.leader;

/**
 * Decides which of the agents sharing one request store acts: only the leader dispatches, resumes
 * and carries out reverts, and records them in the ledger; every agent takes requests (the store
 * merges and deduplicates them) and answers on HTTP.
 */
public interface LeaderElection extends AutoCloseable {

    /**
     * Returns whether this agent leads now, trying to become the leader if it does not. Called about
     * once a second by the scheduler; must not block for long.
     *
     * @return whether this agent may act
     */
    boolean isLeader();

    /** Gives up the leadership, if held. */
    @Override
    void close();

    /**
     * Returns the election of an agent that is alone on its store: always the leader.
     *
     * @return the election
     */
    static LeaderElection sole() {
        return new LeaderElection() {
            @Override
            public boolean isLeader() {
                return true;
            }

            @Override
            public void close() {
                // nothing held
            }

            @Override
            public String toString() {
                return "sole leader";
            }
        };
    }
}
