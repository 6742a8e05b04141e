package dev.rollback.core.ledger;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A version of a service, as recorded in the {@code microservice_version} table.
 *
 * @param id             the id; derived from service name and version by {@link #idOf(String, String)}, so
 *                       that every instance of the same version records the same row
 * @param serviceName    the service name, e.g. {@code checkout}
 * @param version        the version, e.g. {@code 1.4.0}
 * @param deploymentTime when the first instance of this version started
 * @param status         what is known of the version
 */
public record MicroserviceVersion(String id, String serviceName, String version, Instant deploymentTime,
                                  VersionStatus status) {

    /**
     * Checks that no component is null.
     */
    public MicroserviceVersion {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(deploymentTime, "deploymentTime");
        Objects.requireNonNull(status, "status");
    }

    /**
     * Creates the record of a version with its derived id.
     *
     * @param serviceName    the service name
     * @param version        the version
     * @param deploymentTime when the version was deployed
     * @param status         the status
     * @return the record
     */
    public static MicroserviceVersion of(String serviceName, String version, Instant deploymentTime,
                                         VersionStatus status) {
        return new MicroserviceVersion(idOf(serviceName, version), serviceName, version, deploymentTime, status);
    }

    /**
     * Returns the stable id of a service's version: the same on every instance and every start.
     *
     * @param serviceName the service name
     * @param version     the version
     * @return a name-based UUID as a string
     */
    public static String idOf(String serviceName, String version) {
        byte[] name = (serviceName + '\u0000' + version).getBytes(StandardCharsets.UTF_8);
        return UUID.nameUUIDFromBytes(name).toString();
    }

    /**
     * Returns a copy with another status.
     *
     * @param newStatus the status
     * @return the copy
     */
    public MicroserviceVersion withStatus(VersionStatus newStatus) {
        return new MicroserviceVersion(id, serviceName, version, deploymentTime, newStatus);
    }
}
