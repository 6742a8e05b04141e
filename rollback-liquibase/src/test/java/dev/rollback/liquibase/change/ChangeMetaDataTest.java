package dev.rollback.liquibase.change;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import liquibase.Scope;
import liquibase.change.Change;
import liquibase.change.ChangeFactory;
import liquibase.change.ChangeMetaData;
import liquibase.change.ChangeParameterMetaData;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The change types' properties have one source, Liquibase's metadata of each change type (its
 * {@code @DatabaseChangeProperty} getters): the XML schema declares exactly those, required where the
 * metadata says so, and the steps read exactly those.
 */
class ChangeMetaDataTest {

    private static final String XSD = "rollback.dev/xml/ns/liquibase/rollback-liquibase-1.0.xsd";
    private static final String SERVICES = "META-INF/services/liquibase.change.Change";

    @Test
    void theXmlSchemaDeclaresEachChangeTypesPropertiesAsItsMetadataDoes() throws Exception {
        Map<String, Map<String, Boolean>> schema = schema();
        Map<String, Map<String, Boolean>> metadata = new TreeMap<>();
        for (Change change : registered()) {
            ChangeMetaData meta = metaData(change);
            Map<String, Boolean> parameters = new TreeMap<>();
            for (ChangeParameterMetaData parameter : meta.getParameters().values()) {
                parameters.put(parameter.getParameterName(), parameter.getRequiredForDatabase().contains(ChangeParameterMetaData.ALL));
            }
            metadata.put(meta.getName(), parameters);
        }

        assertThat(metadata).hasSize(17).containsKeys("expandDropNotNull", "expandSetDefault", "contractExpanded");
        assertThat(schema).isEqualTo(metadata);
    }

    @Test
    void theStepsReadThePropertiesTheMetadataLists() {
        ExpandCreateIndexChange change = new ExpandCreateIndexChange();
        change.setTableName("customer");
        change.setIndexName("idx_paying");
        change.setColumnNames("email");
        change.setWhere("amount > 0");

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("columnNames", "email");
        expected.put("indexName", "idx_paying");
        expected.put("tableName", "customer");
        expected.put("unique", null);
        expected.put("where", "amount > 0");
        assertThat(new TreeMap<>(change.properties())).isEqualTo(expected);
        assertThat(change.spec().get("where")).isEqualTo("amount > 0");
    }

    @Test
    void aMissingRequiredPropertyIsNamedByTheMetadata() {
        ExpandDropNotNullChange change = new ExpandDropNotNullChange();
        change.setTableName("customer");
        change.setColumnName("name");

        assertThat(change.validate(new liquibase.database.core.PostgresDatabase()).getErrorMessages())
                .containsExactly("expandDropNotNull needs downExpression");
    }

    private static ChangeMetaData metaData(Change change) {
        return Scope.getCurrentScope().getSingleton(ChangeFactory.class).getChangeMetaData(change);
    }

    private static List<Change> registered() throws Exception {
        List<Change> changes = new ArrayList<>();
        try (InputStream in = ChangeMetaDataTest.class.getClassLoader().getResourceAsStream(SERVICES);
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isBlank()) {
                    changes.add((Change) Class.forName(line.strip()).getConstructor().newInstance());
                }
            }
        }
        return changes;
    }

    /**
     * Each top-level element of the XML schema with its attributes (required or not) and its nested
     * elements, a nested {@code column} standing for the property {@code columns}.
     */
    private static Map<String, Map<String, Boolean>> schema() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Element root;
        try (InputStream in = ChangeMetaDataTest.class.getClassLoader().getResourceAsStream(XSD)) {
            root = factory.newDocumentBuilder().parse(in).getDocumentElement();
        }
        Map<String, Map<String, Boolean>> elements = new TreeMap<>();
        for (Element element : children(root, "element")) {
            Map<String, Boolean> properties = new TreeMap<>();
            for (Element type : children(element, "complexType")) {
                for (Element attribute : children(type, "attribute")) {
                    properties.put(attribute.getAttribute("name"), "required".equals(attribute.getAttribute("use")));
                }
                for (Element sequence : children(type, "sequence")) {
                    for (Element nested : children(sequence, "element")) {
                        properties.put(nested.getAttribute("name") + "s", !"0".equals(nested.getAttribute("minOccurs")));
                    }
                }
            }
            elements.put(element.getAttribute("name"), properties);
        }
        return elements;
    }

    private static List<Element> children(Element parent, String localName) {
        List<Element> children = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && localName.equals(element.getLocalName())) {
                children.add(element);
            }
        }
        return children;
    }
}
