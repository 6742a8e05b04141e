/**
 * Which of several agents on one store acts: {@link dev.rollback.agent.leader.LeaderElection}, held
 * on PostgreSQL by {@link dev.rollback.agent.leader.PostgresLeaderElection}.
 */
@NullMarked
package dev.rollback.agent.leader;

import org.jspecify.annotations.NullMarked;
