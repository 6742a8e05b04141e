package dev.rollback.spring.autoconfigure;

import dev.rollback.core.RollbackRegistry;
import dev.rollback.liquibase.ExpandContract;
import dev.rollback.liquibase.LintException;
import dev.rollback.liquibase.LintFinding;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import liquibase.integration.spring.SpringLiquibase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.DirectFieldAccessor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Before Spring's Liquibase runs its update: sets the change log parameters {@code rollback.*} that
 * the expand steps read (the application's own parameters win), releases Liquibase's change log lock
 * if the update holding it was killed during an expand step, and runs the safety lint over the
 * change sets not yet run, refusing the update ({@link LintException}) or logging what it found, as
 * {@code rollback.liquibase.lint} says.
 */
public final class ExpandContractLiquibasePostProcessor implements BeanPostProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(ExpandContractLiquibasePostProcessor.class);
    private static final String CLASSPATH = "classpath:";

    private final ObjectProvider<ExpandContract> migrations;
    private final ObjectProvider<RollbackRegistry> registry;
    private final ObjectProvider<RollbackProperties> properties;

    /**
     * Creates the post-processor.
     *
     * @param migrations the migrations, looked up when Spring's Liquibase is initialised
     * @param registry   the registry, for the service version
     * @param properties the properties
     */
    public ExpandContractLiquibasePostProcessor(ObjectProvider<ExpandContract> migrations,
                                                ObjectProvider<RollbackRegistry> registry,
                                                ObjectProvider<RollbackProperties> properties) {
        this.migrations = migrations;
        this.registry = registry;
        this.properties = properties;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof SpringLiquibase liquibase) {
            // Liquibase changes the physical schema, not the application's version of it
            liquibase.setDataSource(VersionSchemaDataSource.physical(liquibase.getDataSource()));
            RollbackProperties.Liquibase settings = properties.getObject().getLiquibase();
            liquibase.setChangeLogParameters(parameters(ownParameters(liquibase), settings,
                    registry.getObject().version()));
            ExpandContract expandContract = migrations.getIfAvailable();
            if (expandContract != null) {
                // Liquibase would wait for the lock of an update killed mid-expand, and then fail
                expandContract.releaseOrphanedChangelogLock();
                if (settings.getLint() != RollbackProperties.Liquibase.Lint.OFF) {
                    lint(expandContract, settings.getLint());
                }
            }
        }
        return bean;
    }

    private static void lint(ExpandContract expandContract, RollbackProperties.Liquibase.Lint mode) {
        List<LintFinding> findings = expandContract.lint();
        if (findings.isEmpty()) {
            return;
        }
        if (mode == RollbackProperties.Liquibase.Lint.FAIL) {
            throw new LintException(findings);
        }
        findings.forEach(finding -> LOG.warn("Liquibase update runs a change that breaks the running version"
                + " (rollback.liquibase.lint=warn): {}", finding));
    }

    /** The parameters already set; SpringLiquibase keeps them in a protected field without a getter. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> ownParameters(SpringLiquibase liquibase) {
        return (Map<String, String>) new DirectFieldAccessor(liquibase).getPropertyValue("parameters");
    }

    /** The change log parameters: the expand settings, under the application's own parameters. */
    static Map<String, String> parameters(Map<String, String> own, RollbackProperties.Liquibase settings,
                                          String serviceVersion) {
        Map<String, String> parameters = new HashMap<>();
        parameters.put("rollback.backfillBatchSize", Integer.toString(settings.getBackfillBatchSize()));
        parameters.put("rollback.backfillPause", settings.getBackfillPause().toString());
        parameters.put("rollback.lockTimeout", settings.getLockTimeout().toString());
        parameters.put("rollback.lockRetries", Integer.toString(settings.getLockRetries()));
        parameters.put("rollback.serviceVersion", serviceVersion);
        if (own != null) {
            parameters.putAll(own);
        }
        return parameters;
    }

    /** A Spring resource location of a change log as a path on the class path. */
    static String classpathPath(String changeLog) {
        String path = changeLog.startsWith(CLASSPATH) ? changeLog.substring(CLASSPATH.length()) : changeLog;
        return path.startsWith("/") ? path.substring(1) : path;
    }
}
