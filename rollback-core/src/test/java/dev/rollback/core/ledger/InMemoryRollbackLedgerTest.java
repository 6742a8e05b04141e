package dev.rollback.core.ledger;

/**
 * {@link InMemoryRollbackLedger} against the {@link RollbackLedgerContract}.
 */
class InMemoryRollbackLedgerTest extends RollbackLedgerContract {

    private final InMemoryRollbackLedger ledger = new InMemoryRollbackLedger();

    @Override
    protected RollbackLedger ledger() {
        return ledger;
    }
}
