package dev.rollback.spring.autoconfigure;

import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.jdbc.DataSourceBuilder;

/**
 * The ledger's connections: a small pool of its own, of the application's pool type and to the same
 * database ({@link DataSourceBuilder#derivedFrom(DataSource)}), with its own connection timeout, so
 * that the ledger neither waits the application pool's timeout (HikariCP: 30 s) nor competes with
 * the application for its connections. Where no such pool can be derived (a pool type without a
 * {@code connectionTimeout}, a wrapped data source), the ledger uses the application's data source,
 * as said once at INFO; on the physical schema where the application's connections are on a version's
 * schema ({@link OnVersionSchema}). Closed with the context.
 */
final class LedgerDataSource implements AutoCloseable {

    /** Default {@code rollback.ledger.connection-timeout}. */
    static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(LedgerDataSource.class);
    private static final int POOL_SIZE = 2;

    private final DataSource dataSource;
    private final boolean own;

    private LedgerDataSource(DataSource dataSource, boolean own) {
        this.dataSource = dataSource;
        this.own = own;
    }

    /**
     * Derives the ledger's pool from the application's data source.
     *
     * @param application       the application's data source
     * @param connectionTimeout the longest wait for a connection
     * @return the ledger's connections
     */
    static LedgerDataSource derivedFrom(DataSource application, Duration connectionTimeout) {
        // the ledger's tables are on the physical schema, never behind a version's schema of views
        DataSource physical = application instanceof OnVersionSchema versions ? versions.physical() : application;
        DataSource base = application instanceof OnVersionSchema versions ? versions.getTargetDataSource() : application;
        DataSource derived = null;
        try {
            derived = DataSourceBuilder.derivedFrom(base).build();
            BeanWrapper pool = new BeanWrapperImpl(derived);
            if (pool.isWritableProperty("connectionTimeout") && pool.isWritableProperty("maximumPoolSize")) {
                pool.setPropertyValue("connectionTimeout", connectionTimeout.toMillis());
                pool.setPropertyValue("maximumPoolSize", POOL_SIZE);
                setIfWritable(pool, "minimumIdle", 0);
                setIfWritable(pool, "poolName", "rollback-ledger");
                setIfWritable(pool, "initializationFailTimeout", -1L); // start even while the database is down
                // a connection of the ledger is set up as the application's are (e.g. the SQL that creates its schema)
                BeanWrapper source = new BeanWrapperImpl(base);
                for (String setUp : List.of("connectionInitSql", "schema")) {
                    if (source.isReadableProperty(setUp) && source.getPropertyValue(setUp) != null) {
                        setIfWritable(pool, setUp, source.getPropertyValue(setUp));
                    }
                }
                return new LedgerDataSource(derived, true);
            }
        } catch (RuntimeException e) {
            log.debug("Could not derive the ledger's own pool: {}", e.toString());
        }
        close(derived);
        log.info("The rollback ledger uses the application's DataSource ({}): no pool of its own with a connection"
                + " timeout could be derived from it", base.getClass().getName());
        return new LedgerDataSource(physical, false);
    }

    private static void setIfWritable(BeanWrapper pool, String property, Object value) {
        if (pool.isWritableProperty(property)) {
            pool.setPropertyValue(property, value);
        }
    }

    /**
     * Returns the data source the ledger uses.
     *
     * @return its own pool, or the application's data source
     */
    DataSource dataSource() {
        return dataSource;
    }

    /** Closes the ledger's own pool, if it has one. */
    @Override
    public void close() {
        if (own) {
            close(dataSource);
        }
    }

    private static void close(DataSource dataSource) {
        if (dataSource instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.debug("Closing the ledger's pool failed: {}", e.toString());
            }
        }
    }
}
