package dev.rollback.spring.autoconfigure;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.members;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * Spring Boot's own rules for auto-configuration classes (its build's {@code ArchitectureRules}
 * and {@code AutoConfigurationChecker}): public and final, and no public members in them or in the
 * configurations they nest, other than a default constructor, constants and overrides of public
 * methods. The beans are the API; the classes that declare them are not.
 */
@AnalyzeClasses(packages = "dev.rollback.spring", importOptions = ImportOption.DoNotIncludeTests.class)
class AutoConfigurationArchitectureTest {

    private static final DescribedPredicate<JavaClass> AUTO_CONFIGURATION = DescribedPredicate.describe(
            "@AutoConfiguration", type -> type.isAnnotatedWith(AutoConfiguration.class));

    @ArchTest
    static final ArchRule autoConfigurationsArePublicAndFinal = classes()
            .that(AUTO_CONFIGURATION)
            .should().bePublic()
            .andShould().haveModifier(JavaModifier.FINAL);

    @ArchTest
    static final ArchRule autoConfigurationsHaveNoPublicMembers = members()
            .that(DescribedPredicate.describe("are declared in an auto-configuration or a configuration it nests",
                    AutoConfigurationArchitectureTest::inAutoConfiguration))
            .and(DescribedPredicate.describe("aren't default constructors, constants or overrides of public methods",
                    member -> !isDefaultConstructor(member) && !isConstant(member) && !overridesPublicMethod(member)))
            .should().notBePublic();

    private static boolean inAutoConfiguration(JavaMember member) {
        for (Optional<JavaClass> type = Optional.of(member.getOwner()); type.isPresent();
             type = type.get().getEnclosingClass()) {
            if (AUTO_CONFIGURATION.test(type.get())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDefaultConstructor(JavaMember member) {
        return member instanceof JavaConstructor constructor && constructor.getParameters().isEmpty();
    }

    private static boolean isConstant(JavaMember member) {
        return member instanceof JavaField field && field.getModifiers().contains(JavaModifier.STATIC)
                && field.getModifiers().contains(JavaModifier.FINAL);
    }

    private static boolean overridesPublicMethod(JavaMember member) {
        if (!(member instanceof JavaMethod method)) {
            return false;
        }
        JavaClass owner = method.getOwner();
        return Stream.concat(owner.getAllRawSuperclasses().stream(), owner.getAllRawInterfaces().stream())
                .flatMap(type -> type.getMethods().stream())
                .anyMatch(other -> other.getModifiers().contains(JavaModifier.PUBLIC)
                        && other.getName().equals(method.getName())
                        && other.getDescriptor().equals(method.getDescriptor()));
    }
}
