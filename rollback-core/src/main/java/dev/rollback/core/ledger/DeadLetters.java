package dev.rollback.core.ledger;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The records a ledger writer set aside because the database refused them as data
 * ({@link LedgerFailure#RECORD_REJECTED}): the most recent ones, up to a capacity, so that a flood
 * of bad records cannot exhaust the heap. Whoever adds one also counts it in a metric and logs it
 * at ERROR, so that one evicted from here is still on record. Safe for use from several threads.
 *
 * @param <T> the type of record
 */
public final class DeadLetters<T> {

    /** The capacity the writers use, in records. */
    public static final int DEFAULT_CAPACITY = 100;

    private final int capacity;
    private final Deque<T> records = new ArrayDeque<>();

    /**
     * Creates an empty list.
     *
     * @param capacity how many records it keeps, at least 1
     * @throws IllegalArgumentException if the capacity is less than 1
     */
    public DeadLetters(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("dead-letter capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Adds a record, evicting the oldest if the list is full.
     *
     * @param record the record set aside
     */
    public synchronized void add(T record) {
        if (records.size() == capacity) {
            records.removeFirst();
        }
        records.addLast(record);
    }

    /**
     * Returns the records, oldest first.
     *
     * @return a copy
     */
    public synchronized List<T> list() {
        return List.copyOf(records);
    }
}
