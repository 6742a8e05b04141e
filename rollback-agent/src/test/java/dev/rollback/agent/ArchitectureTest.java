package dev.rollback.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Keeps the agent's parts layered and lets only the command line end the process or print. */
@AnalyzeClasses(packages = "dev.rollback.agent", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule hasNoPackageCycles = slices()
            .matching("dev.rollback.agent.(*)..")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule onlyTheCommandLineAndTheWiringUseTheWiring = noClasses()
            .that().resideInAPackage("dev.rollback.agent.(*)..")
            .and().resideOutsideOfPackage("dev.rollback.agent.cli..")
            .should().dependOnClassesThat().resideInAPackage("dev.rollback.agent")
            .because("Agent wires the parts together; the parts must not reach back into it");

    @ArchTest
    static final ArchRule onlyTheCommandLineExitsOrPrints = noClasses()
            .that().resideInAPackage("dev.rollback.agent..")
            .and().resideOutsideOfPackage("dev.rollback.agent.cli..")
            .should().accessField(System.class, "out")
            .orShould().accessField(System.class, "err")
            .orShould().callMethod(System.class, "exit", int.class)
            .because("the agent's parts log through slf4j and are closed, never exit, so they can be embedded and tested");

    @ArchTest
    static final ArchRule theCoreOfTheQueueKnowsNoTransport = noClasses()
            .that().resideInAnyPackage("dev.rollback.agent.request..", "dev.rollback.agent.throttle..",
                    "dev.rollback.agent.config..")
            .should().dependOnClassesThat().resideInAnyPackage("io.fabric8..", "com.sun.net.httpserver..",
                    "dev.rollback.agent.http..", "dev.rollback.agent.kubernetes..")
            .because("Kubernetes and HTTP are plugged in through executors and the server, not the other way round");
}
