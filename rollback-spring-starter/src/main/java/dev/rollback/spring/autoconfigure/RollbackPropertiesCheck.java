package dev.rollback.spring.autoconfigure;

import dev.rollback.spring.internal.ClosestName;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Checks the {@code rollback.*} properties as a whole at start-up, whatever beans the application
 * supplies of its own (a flag source, a guard configuration):
 * <ul>
 * <li>every {@code rollback.*} key set in a property source must be one the starter knows: the
 *     properties of {@link RollbackProperties}, found by reflection, with any name in place of a
 *     feature under {@code rollback.features}. Spring Boot's binder would say nothing: it ignores
 *     unknown keys, and its {@code ignoreUnknownFields = false} does not reach the beans of a map
 *     such as {@code rollback.features.<name>.*}. A typo fails start-up naming the key and the
 *     closest known key. Environment variables are not checked, since their names cannot be told
 *     apart from a feature name containing dashes or dots, nor JVM system properties, which belong
 *     to the whole JVM and anything else in it;</li>
 * <li>the values are in range: the rollout shares, and the judge settings of {@code rollback.guard}
 *     and of each feature, as the core's {@link GuardConfig} checks them.</li>
 * </ul>
 * Each failure is an {@link InvalidRollbackPropertyException} naming the property and its value.
 */
final class RollbackPropertiesCheck {

    private static final String PREFIX = "rollback";
    private static final String ANY = "*";

    /** The known keys, each as its elements in dashed form; {@value #ANY} stands for a map key. */
    private static final List<List<String>> KNOWN = known();

    private RollbackPropertiesCheck() {
    }

    /**
     * Checks the properties set in an environment and their bound values.
     *
     * @param environment where the keys are set
     * @param properties  the bound values
     * @throws InvalidRollbackPropertyException on the first unknown key or value out of range
     */
    static void check(Environment environment, RollbackProperties properties) {
        if (environment instanceof ConfigurableEnvironment configurable) {
            for (PropertySource<?> source : configurable.getPropertySources()) {
                if (source instanceof EnumerablePropertySource<?> enumerable && isChecked(source)) {
                    for (String key : enumerable.getPropertyNames()) {
                        requireKnown(key, enumerable);
                    }
                }
            }
        }
        percent("rollback.default-rollout", properties.getDefaultRollout());
        properties.getFeatures().forEach((feature, settings) -> {
            if (settings.getRollout() != null) {
                percent("rollback.features." + feature + ".rollout", settings.getRollout());
            }
        });
        GuardConfigMapping.check(properties);
    }

    /**
     * Returns a rollout share if it is a percentage.
     *
     * @param property the property, for the message
     * @param value    the share
     * @return the share
     * @throws InvalidRollbackPropertyException if it is not from 0 to 100
     */
    static int percent(String property, int value) {
        if (value < 0 || value > 100) {
            throw new InvalidRollbackPropertyException(property, value, "a rollout share must be from 0 to 100 percent",
                    null);
        }
        return value;
    }

    /** Whether keys of a source are the application's: not environment variables or JVM system properties. */
    private static boolean isChecked(PropertySource<?> source) {
        return !(source instanceof SystemEnvironmentPropertySource)
                && !StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME.equals(source.getName());
    }

    private static void requireKnown(String key, PropertySource<?> source) {
        if (!key.regionMatches(true, 0, PREFIX + ".", 0, PREFIX.length() + 1)) {
            return;
        }
        ConfigurationPropertyName name = ConfigurationPropertyName.adapt(key, '.');
        if (name.getNumberOfElements() < 2 || !PREFIX.equals(name.getElement(0, Form.UNIFORM))
                || KNOWN.stream().anyMatch(known -> matches(known, name))) {
            return;
        }
        String closest = ClosestName.suggestion(key, KNOWN.stream().map(known -> concrete(known, name)).toList());
        throw new InvalidRollbackPropertyException(key, source.getProperty(key),
                "rollback-spring-starter has no such property" + closest, null);
    }

    private static boolean matches(List<String> known, ConfigurationPropertyName name) {
        if (known.size() != name.getNumberOfElements()) {
            return false;
        }
        for (int i = 0; i < known.size(); i++) {
            String element = known.get(i);
            if (!element.equals(ANY) && !uniform(element).equals(name.getElement(i, Form.UNIFORM))) {
                return false;
            }
        }
        return true;
    }

    private static String concrete(List<String> known, ConfigurationPropertyName name) {
        List<String> elements = new ArrayList<>(known);
        for (int i = 0; i < elements.size(); i++) {
            if (elements.get(i).equals(ANY)) {
                elements.set(i, i < name.getNumberOfElements() ? name.getElement(i, Form.ORIGINAL) : "<name>");
            }
        }
        return String.join(".", elements);
    }

    private static String uniform(String dashed) {
        return dashed.replace("-", "");
    }

    private static List<List<String>> known() {
        List<List<String>> keys = new ArrayList<>();
        collect(RollbackProperties.class, List.of(PREFIX), keys);
        return List.copyOf(keys);
    }

    /** Adds the keys of a properties class: its fields, nested classes of the properties recursively. */
    private static void collect(Class<?> type, List<String> prefix, List<List<String>> keys) {
        for (Field field : fields(type)) {
            if (Modifier.isStatic(field.getModifiers()) || field.isSynthetic()) {
                continue;
            }
            List<String> key = new ArrayList<>(prefix);
            key.add(dashed(field.getName()));
            Class<?> valueType = field.getType();
            if (Map.class.isAssignableFrom(valueType)) {
                key.add(ANY);
                valueType = mapValueType(field.getGenericType());
            }
            if (isPropertiesGroup(valueType)) {
                collect(valueType, key, keys);
            } else {
                keys.add(List.copyOf(key));
            }
        }
    }

    /** The fields of a properties group and of the group it extends (a feature's, the guard's). */
    private static List<Field> fields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            fields.addAll(List.of(c.getDeclaredFields()));
        }
        return fields;
    }

    private static Class<?> mapValueType(Type mapType) {
        if (mapType instanceof ParameterizedType parameterized
                && parameterized.getActualTypeArguments()[1] instanceof Class<?> value) {
            return value;
        }
        return Object.class;
    }

    private static boolean isPropertiesGroup(Class<?> type) {
        return type.getEnclosingClass() == RollbackProperties.class && !type.isEnum() && !type.isInterface();
    }

    private static String dashed(String camel) {
        StringBuilder dashed = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                dashed.append('-').append(Character.toLowerCase(c));
            } else {
                dashed.append(c);
            }
        }
        return dashed.toString();
    }
}
