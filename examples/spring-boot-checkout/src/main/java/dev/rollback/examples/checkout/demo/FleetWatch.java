package dev.rollback.examples.checkout.demo;

import dev.rollback.core.event.RollbackActors;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Watches every instance of a fleet over HTTP ({@code /actuator/rollback}), for
 * {@code --instances=N}: when each instance took the old path (its feature rolled back, by whom), and
 * the fleet verdict as the instance that reached it reports it (its {@code FLEET} rollback: the pooled
 * evidence and the contributing instances). What it sees goes into the timeline.
 */
final class FleetWatch {

    /** Timeline event: the fleet judge reached a verdict on the pooled evidence. */
    static final String FLEET_VERDICT = "fleet verdict";
    /** Timeline event prefix: one instance took the old path; the instance's id follows. */
    static final String OLD_PATH_ON = "old path on ";

    private final List<ServiceClient> clients;
    private final List<String> ids;
    private final String feature;
    private final Timeline timeline;
    private final Instant startWall;
    private final long startNanos;
    private final boolean[] onOldPath;
    private final String[] actors;

    /**
     * Prepares the watch.
     *
     * @param clients    the instances' clients
     * @param ids        the instances' ids, in the same order
     * @param feature    the feature watched
     * @param timeline   where events go
     * @param startWall  the wall-clock time when the traffic started, to place the service's timestamps
     * @param startNanos the {@link System#nanoTime()} when the traffic started
     */
    FleetWatch(List<ServiceClient> clients, List<String> ids, String feature, Timeline timeline, Instant startWall,
               long startNanos) {
        this.clients = List.copyOf(clients);
        this.ids = List.copyOf(ids);
        this.feature = feature;
        this.timeline = timeline;
        this.startWall = startWall;
        this.startNanos = startNanos;
        this.onOldPath = new boolean[clients.size()];
        this.actors = new String[clients.size()];
    }

    /** Reads every instance's report once and records what changed. */
    void poll() {
        for (int i = 0; i < clients.size(); i++) {
            if (onOldPath[i]) {
                continue;
            }
            JsonNode rollback = rolledBack(clients.get(i).rollbackEndpoint());
            if (rollback == null) {
                continue;
            }
            onOldPath[i] = true;
            actors[i] = rollback.path("actor").asString("?");
            long now = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            long at = Observer.elapsedMillis(startWall, rollback.path("time").asString(null), now);
            String scope = rollback.path("scope").asString("?");
            if ("FLEET".equals(scope)) {
                timeline.once(at, FLEET_VERDICT, "reached by " + ids.get(i) + ": " + rollback.path("reason").asString("")
                        + pairs(rollback.path("evidence")), "service " + ids.get(i));
            }
            timeline.add(at, OLD_PATH_ON + ids.get(i), String.format(Locale.ROOT, "%s rolled back by %s (%s)%s",
                    feature, actors[i], scope.toLowerCase(Locale.ROOT), "FLEET".equals(scope)
                            ? ": this instance reached the fleet verdict" : RollbackActors.FLEET_JUDGE.equals(actors[i])
                            ? ": following the fleet verdict" : ": its own judge, before the fleet's"),
                    "service " + ids.get(i));
        }
    }

    /** @return how many instances are watched */
    int instances() {
        return clients.size();
    }

    /** @return how many instances have taken the old path */
    int onOldPath() {
        int n = 0;
        for (boolean b : onOldPath) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /** @return how many instances were rolled back by the fleet judge (reaching its verdict or following it) */
    int byFleetJudge() {
        int n = 0;
        for (String actor : actors) {
            n += RollbackActors.FLEET_JUDGE.equals(actor) ? 1 : 0;
        }
        return n;
    }

    private JsonNode rolledBack(JsonNode report) {
        for (JsonNode f : report.path("features")) {
            if (feature.equals(f.path("feature").asString()) && "ROLLED_BACK".equals(f.path("state").asString())
                    && !f.path("lastRollback").isMissingNode()) {
                return f.path("lastRollback");
            }
        }
        return null;
    }

    private static String pairs(JsonNode evidence) {
        return evidence.isMissingNode() ? "" : String.format(Locale.ROOT, " (pooled pairs: %d new, %d old)",
                evidence.path("newSamples").asLong(), evidence.path("oldSamples").asLong());
    }
}
