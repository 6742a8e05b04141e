package dev.rollback.core.fleet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link FleetStore} in memory, shared by registries of one process: for tests and simulations.
 * Thread-safe.
 */
public final class InMemoryFleetStore implements FleetStore {

    private record Row(long id, String service, FleetBlock block) {
    }

    private final List<Row> blocks = new ArrayList<>();
    private final Map<String, Instant> heartbeats = new HashMap<>();
    private final Map<String, List<FleetVerdict>> verdicts = new HashMap<>();

    /** Creates an empty store. */
    public InMemoryFleetStore() {
    }

    @Override
    public synchronized void publish(String service, String instance, Instant heartbeat, List<FleetBlock> published) {
        Objects.requireNonNull(heartbeat, "heartbeat");
        for (FleetBlock block : published) {
            blocks.add(new Row(blocks.size() + 1L, service, block));
        }
        heartbeats.put(service + '\n' + instance, heartbeat);
    }

    @Override
    public synchronized PooledBlocks pooled(String service, String feature, long afterBlockId) {
        Map<String, FleetBlock> perInstance = new TreeMap<>();
        long last = afterBlockId;
        for (Row row : blocks) {
            if (row.id > afterBlockId && row.service.equals(service) && row.block.feature().equals(feature)) {
                perInstance.merge(row.block.instance(), row.block, FleetBlock::plus);
                last = row.id;
            }
        }
        return new PooledBlocks(new ArrayList<>(perInstance.values()), last);
    }

    @Override
    public synchronized Optional<FleetVerdict> latestVerdict(String service, String feature) {
        List<FleetVerdict> list = verdicts.getOrDefault(service + '\n' + feature, List.of());
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(list.size() - 1));
    }

    @Override
    public synchronized boolean recordVerdict(String service, FleetVerdict verdict) {
        List<FleetVerdict> list = verdicts.computeIfAbsent(service + '\n' + verdict.feature(), k -> new ArrayList<>());
        if (list.stream().anyMatch(v -> v.epoch() == verdict.epoch())) {
            return false;
        }
        list.add(verdict);
        list.sort((a, b) -> Integer.compare(a.epoch(), b.epoch()));
        return true;
    }

    @Override
    public synchronized List<String> liveInstances(String service, Instant since) {
        String prefix = service + '\n';
        return heartbeats.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix) && !e.getValue().isBefore(since))
                .map(e -> e.getKey().substring(prefix.length()))
                .sorted()
                .toList();
    }
}
