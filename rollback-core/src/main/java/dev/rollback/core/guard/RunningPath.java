package dev.rollback.core.guard;

import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Which path of which feature the current thread is running now, for code below a guarded path that
 * must act differently on the new and on the old path (e.g. a data source that puts a connection on
 * the schema of the version the path knows).
 *
 * <p>A {@link ReleaseGuard} runs each new path {@linkplain #run inside} its feature's
 * {@link Kind#NEW} path and each old path, fallbacks included, inside its {@link Kind#OLD} path; when
 * the path returns or throws, whatever ran before is current again, so a guarded call nested in
 * another path sees its own path and the outer one sees its own again afterwards. Outside any guarded
 * path {@link #current()} is {@code null}.
 *
 * <p>The value belongs to the thread: work a path hands to another thread (an executor, a
 * {@code CompletableFuture}) runs outside the path unless it is run inside it there again. Setting
 * and restoring it allocates nothing: a guard makes its two paths once.
 */
public final class RunningPath {

    /** Which of a feature's two paths. */
    public enum Kind {
        /** The code the release adds. */
        NEW,
        /** The code it replaces, whether it answered by the flag's decision or as a fallback. */
        OLD
    }

    /** One mutable cell per thread, so that entering and leaving a path is two field writes. */
    private static final ThreadLocal<RunningPath[]> CURRENT = ThreadLocal.withInitial(() -> new RunningPath[1]);

    private final String feature;
    private final Kind kind;

    private RunningPath(String feature, Kind kind) {
        this.feature = feature;
        this.kind = kind;
    }

    /**
     * Returns a feature's path; made once per feature and path by whoever runs them.
     *
     * @param feature the feature's name
     * @param kind    which of its paths
     * @return the path
     * @throws IllegalArgumentException if {@code feature} is null or blank, or {@code kind} is null
     */
    public static RunningPath of(String feature, Kind kind) {
        if (feature == null || feature.isBlank()) {
            throw new IllegalArgumentException("feature must be a non-blank name, was '" + feature + "'");
        }
        if (kind == null) {
            throw new IllegalArgumentException("kind must be NEW or OLD, was null");
        }
        return new RunningPath(feature, kind);
    }

    /**
     * Returns the path the current thread runs now: the innermost, if paths are nested.
     *
     * @return the path, or {@code null} outside every guarded path
     */
    public static @Nullable RunningPath current() {
        return CURRENT.get()[0];
    }

    /**
     * Runs code as this path: {@link #current()} returns this path while it runs, and what it returned
     * before once it returns or throws.
     *
     * @param body the path's code
     * @param <T>  the result type
     * @return what {@code body} returns
     */
    public <T> T run(Supplier<? extends T> body) {
        RunningPath[] cell = CURRENT.get();
        RunningPath outer = cell[0];
        cell[0] = this;
        try {
            return body.get();
        } finally {
            cell[0] = outer;
        }
    }

    /**
     * Returns the feature whose path this is.
     *
     * @return the feature's name
     */
    public String feature() {
        return feature;
    }

    /**
     * Returns which of the feature's paths this is.
     *
     * @return new or old
     */
    public Kind kind() {
        return kind;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RunningPath that && feature.equals(that.feature) && kind == that.kind;
    }

    @Override
    public int hashCode() {
        return Objects.hash(feature, kind);
    }

    @Override
    public String toString() {
        return kind + " path of " + feature;
    }
}
