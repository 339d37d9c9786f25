package io.octvex.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The build checks the shape the architecture brief agreed on. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.octvex");

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("io.octvex.server.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void protocolStaysFreeOfSpringAndOfTheServer() {
        noClasses().that().resideInAPackage("io.octvex.protocol..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.octvex.server..")
                .check(CLASSES);
    }

    @Test
    void onlyTheDatabasePackageKnowsTheEmbeddedServer() {
        noClasses().that().resideOutsideOfPackage("io.octvex.server.database..")
                .should().dependOnClassesThat().resideInAPackage("io.zonky..")
                .check(CLASSES);
    }
}
