package dev.rollback.liquibase.change;

import liquibase.parser.LiquibaseParser;
import liquibase.parser.NamespaceDetails;
import liquibase.parser.core.xml.XMLChangeLogSAXParser;
import liquibase.serializer.LiquibaseSerializer;
import liquibase.serializer.core.xml.XMLChangeLogSerializer;

/**
 * Tells Liquibase's XML parser and serializer about the namespace {@value ExpandContractChange#NAMESPACE}
 * (prefix {@code rb}) and its schema {@value #SCHEMA_URL}, which Liquibase finds on the class path
 * without going to the network.
 */
public final class RollbackNamespaceDetails implements NamespaceDetails {

    /** The schema's URL; the file is on the class path at {@code rollback.dev/xml/ns/liquibase/}. */
    public static final String SCHEMA_URL = "http://rollback.dev/xml/ns/liquibase/rollback-liquibase-1.0.xsd";

    /** Creates the details; Liquibase finds them through the service loader. */
    public RollbackNamespaceDetails() {
    }

    @Override
    public int getPriority() {
        return PRIORITY_EXTENSION;
    }

    @Override
    public boolean supports(LiquibaseSerializer serializer, String namespaceOrUrl) {
        return serializer instanceof XMLChangeLogSerializer && ours(namespaceOrUrl);
    }

    @Override
    public boolean supports(LiquibaseParser parser, String namespaceOrUrl) {
        return parser instanceof XMLChangeLogSAXParser && ours(namespaceOrUrl);
    }

    @Override
    public String getShortName(String namespaceOrUrl) {
        return "rb";
    }

    @Override
    public String getSchemaUrl(String namespaceOrUrl) {
        return SCHEMA_URL;
    }

    @Override
    public String[] getNamespaces() {
        return new String[] {ExpandContractChange.NAMESPACE};
    }

    private static boolean ours(String namespaceOrUrl) {
        return ExpandContractChange.NAMESPACE.equals(namespaceOrUrl) || SCHEMA_URL.equals(namespaceOrUrl);
    }
}
