/**
 * Which of several agents on one store acts: {@link dev.rollback.agent.leader.LeaderElection}, held
 * on PostgreSQL by {@link dev.rollback.agent.leader.PostgresLeaderElection}.
 */
package dev.rollback.agent.leader;
