package dev.rollback.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Keeps rollback-core small and layered: only its three libraries, and no package cycles. */
@AnalyzeClasses(packages = "dev.rollback.core", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule dependsOnlyOnItsThreeLibraries = noClasses()
            .that().resideInAPackage("dev.rollback.core..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.springframework..", "liquibase..", "io.getunleash..", "io.fabric8..",
                    "com.fasterxml.jackson..", "tools.jackson..", "org.h2..", "org.postgresql..",
                    "com.github.benmanes.caffeine..")
            .because("rollback-core depends on slf4j-api, micrometer-core and resilience4j-circuitbreaker only");

    @ArchTest
    static final ArchRule hasNoPackageCycles = slices()
            .matching("dev.rollback.core.(*)..")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule publicApiDoesNotExposeInternals = noClasses()
            .that().resideOutsideOfPackages("dev.rollback.core.internal..", "dev.rollback.core")
            .should().dependOnClassesThat().resideInAPackage("dev.rollback.core.internal..")
            .because("users build on the API packages; internal may change in any release");

    @ArchTest
    static final ArchRule neverPrintsOrExits = noClasses()
            .that().resideInAPackage("dev.rollback.core..")
            .should().accessField(System.class, "out")
            .orShould().accessField(System.class, "err")
            .orShould().callMethod(System.class, "exit", int.class)
            .because("a library logs through slf4j and never ends its host process");
}
