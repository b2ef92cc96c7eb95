package dev.gradcam.it;

import static com.tngtech.archunit.base.DescribedPredicate.or;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.GradCamException;
import dev.gradcam.api.Size;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which package may import which: the rules of docs/architecture.md ("Who may import what"), checked on the main
 * classes of every module (tests are free to reach anywhere). A new import that breaks a rule fails here with the
 * offending class and line.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    /** The root package's base types, which every layer may use: the exceptions, the model handle, Size. */
    private static final DescribedPredicate<JavaClass> BASE = or(assignableTo(GradCamException.class),
            assignableTo(DifferentiableModel.class).and(resideInAnyPackage("dev.gradcam.api")),
            assignableTo(Size.class)).as("the exceptions, DifferentiableModel and Size");

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(location -> !location.contains("/test-classes/") && !location.contains("-tests.jar"))
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.gradcam");
        // Every module's main classes are there, and no test class: otherwise the rules below check too little.
        for (String type : new String[] {"dev.gradcam.api.Explainer", "dev.gradcam.onnx.model.OnnxModelReader",
            "dev.gradcam.onnx.runtime.OnnxModel", "dev.gradcam.nd4j.SameDiffModel", "dev.gradcam.metrics.Evaluator",
            "dev.gradcam.spark.SparkExplainer", "dev.gradcam.cli.GradcamCli"}) {
            assertTrue(classes.contain(type), type + " imported");
        }
        assertFalse(classes.contain("dev.gradcam.api.testing.InMemoryCnn"), "test classes left out");
    }

    @Test
    void gradcamApiUsesOnlyTheJdk() {
        noClasses().that().resideInAPackage("dev.gradcam.api..")
                .should().dependOnClassesThat().resideOutsideOfPackages("dev.gradcam.api..", "java..", "javax..")
                .check(classes);
    }

    @Test
    void gradcamApiIsLayered() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Base").definedBy(BASE)
                .layer("Values").definedBy("dev.gradcam.api.tensor..", "dev.gradcam.api.numeric..")
                .layer("Contract").definedBy(resideInAnyPackage("dev.gradcam.api.spi..", "dev.gradcam.api.layer..",
                        "dev.gradcam.api.target..", "dev.gradcam.api.post..", "dev.gradcam.api.io..",
                        "dev.gradcam.api.cam..", "dev.gradcam.api.image..")
                        .as("spi, layer, target, post, io, cam, image"))
                .layer("Methods").definedBy(resideInAnyPackage("dev.gradcam.api", "dev.gradcam.api.method..",
                        "dev.gradcam.api.saliency..", "dev.gradcam.api.visualize..", "dev.gradcam.api.internal..")
                        .and(DescribedPredicate.not(BASE))
                        .as("Explainer, Models, Methods and the rest of the root package; method, saliency, "
                                + "visualize, internal"))
                .layer("Backends").definedBy("dev.gradcam.onnx..", "dev.gradcam.nd4j..")
                .layer("Tools").definedBy("dev.gradcam.metrics..", "dev.gradcam.spark..", "dev.gradcam.cli..")
                .whereLayer("Tools").mayNotBeAccessedByAnyLayer()
                .whereLayer("Backends").mayOnlyBeAccessedByLayers("Tools")
                .whereLayer("Methods").mayOnlyBeAccessedByLayers("Tools")
                .whereLayer("Contract").mayOnlyBeAccessedByLayers("Base", "Methods", "Backends", "Tools")
                .whereLayer("Values").mayOnlyBeAccessedByLayers("Base", "Contract", "Methods", "Backends", "Tools")
                .check(classes);
    }

    @Test
    void backendsStayApart() {
        noClasses().that().resideInAPackage("dev.gradcam.nd4j..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.gradcam.onnx.grad..",
                        "dev.gradcam.onnx.runtime..", "ai.onnxruntime..")
                .check(classes);
        noClasses().that().resideInAPackage("dev.gradcam.onnx..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.gradcam.nd4j..", "org.nd4j..")
                .check(classes);
        // gradcam-onnx-model reads and writes ONNX files without ONNX Runtime (ND4J users have none).
        noClasses().that().resideInAnyPackage("dev.gradcam.onnx.model..", "dev.gradcam.onnx.graph..",
                        "dev.gradcam.onnx.proto..", "dev.gradcam.onnx.validate..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.gradcam.onnx.grad..",
                        "dev.gradcam.onnx.runtime..", "ai.onnxruntime..")
                .check(classes);
        // Metrics score maps from any backend through gradcam-api only.
        noClasses().that().resideInAPackage("dev.gradcam.metrics..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.gradcam.onnx..", "dev.gradcam.nd4j..")
                .check(classes);
    }

    @Test
    void onlyTheToolsUsePicocliAndNoLibraryUsesTheTool() {
        noClasses().that().resideOutsideOfPackages("dev.gradcam.cli..", "dev.gradcam.spark.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("picocli..")
                .check(classes);
        noClasses().that().resideOutsideOfPackage("dev.gradcam.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.gradcam.cli..")
                .check(classes);
    }

    @Test
    void backendInternalsStayInside() {
        // What no module-info hides (gradcam-nd4j is an automatic module; the class path ignores descriptors): the
        // ONNX compiler stays in gradcam-onnx; the graph IR, the validator and the opset converter are shared with
        // the ND4J translator only (hostile files get the same checks on both backends); ND4J's internals stay in
        // gradcam-nd4j.
        noClasses().that().resideOutsideOfPackage("dev.gradcam.onnx..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.gradcam.onnx.grad..")
                .check(classes);
        noClasses().that().resideOutsideOfPackages("dev.gradcam.onnx..", "dev.gradcam.nd4j..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.gradcam.onnx.graph..",
                        "dev.gradcam.onnx.validate..", "dev.gradcam.onnx.convert..")
                .check(classes);
        noClasses().that().resideOutsideOfPackage("dev.gradcam.nd4j..")
                .should().dependOnClassesThat().resideInAPackage("dev.gradcam.nd4j.internal..")
                .check(classes);
        noClasses().that().resideOutsideOfPackage("dev.gradcam.api..")
                .should().dependOnClassesThat().resideInAPackage("dev.gradcam.api.internal..")
                .check(classes);
    }
}
