package dev.rollback.core.fleet;

/** {@link InMemoryFleetStore} keeps the {@link FleetStore} contract. */
class InMemoryFleetStoreTest extends FleetStoreContract {

    private final InMemoryFleetStore store = new InMemoryFleetStore();

    @Override
    protected FleetStore store() {
        return store;
    }
}
