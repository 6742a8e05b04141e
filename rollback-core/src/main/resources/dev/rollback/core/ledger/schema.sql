-- The rollback ledger's schema, the same for H2 and PostgreSQL (run by JdbcRollbackLedger.createSchema()).
-- Safe to run twice: every statement is IF NOT EXISTS. Statements end with ';' at the end of a line.

CREATE TABLE IF NOT EXISTS microservice_version (
    id              VARCHAR(36)              NOT NULL PRIMARY KEY,
    service_name    VARCHAR(255)             NOT NULL,
    version         VARCHAR(255)             NOT NULL,
    deployment_time TIMESTAMP WITH TIME ZONE NOT NULL,
    status          VARCHAR(32)              NOT NULL,
    CONSTRAINT uq_microservice_version_name UNIQUE (service_name, version)
);

CREATE TABLE IF NOT EXISTS deployment_record (
    id                      VARCHAR(64)              NOT NULL PRIMARY KEY,
    microservice_version_id VARCHAR(36)              NOT NULL,
    instance_id             VARCHAR(255)             NOT NULL,
    start_time              TIMESTAMP WITH TIME ZONE NOT NULL,
    end_time                TIMESTAMP WITH TIME ZONE,
    heartbeat_time          TIMESTAMP WITH TIME ZONE NOT NULL,
    result                  VARCHAR(32)              NOT NULL,
    CONSTRAINT fk_deployment_record_version FOREIGN KEY (microservice_version_id)
        REFERENCES microservice_version (id)
);

CREATE TABLE IF NOT EXISTS rollback_record (
    id                   VARCHAR(64)              NOT NULL PRIMARY KEY,
    deployment_record_id VARCHAR(64)              NOT NULL,
    rollback_time        TIMESTAMP WITH TIME ZONE NOT NULL,
    reason               VARCHAR(2000)            NOT NULL,
    feature              VARCHAR(255),
    scope                VARCHAR(32)              NOT NULL,
    actor                VARCHAR(255)             NOT NULL,
    trigger_kind         VARCHAR(255),
    from_version         VARCHAR(255),
    to_version           VARCHAR(255),
    outcome              VARCHAR(255),
    CONSTRAINT fk_rollback_record_deployment FOREIGN KEY (deployment_record_id)
        REFERENCES deployment_record (id)
);

CREATE INDEX IF NOT EXISTS ix_deployment_record_version ON deployment_record (microservice_version_id);

CREATE INDEX IF NOT EXISTS ix_rollback_record_deployment ON rollback_record (deployment_record_id);
