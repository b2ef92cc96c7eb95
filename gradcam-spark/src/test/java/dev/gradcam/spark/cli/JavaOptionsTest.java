package dev.gradcam.spark.cli;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our copy of Spark's JVM options against Spark's own list, and against the options this test JVM got. */
class JavaOptionsTest {

    @Test
    void theListIsSparksAndSurefireStartsTestsWithIt() {
        List<String> ours = JavaOptions.list();
        // Reference: the Spark version we compile against (spark-launcher, a provided dependency), less the one
        // option of Java 23+ that a Java 17 JVM refuses to start with (it is not an -XX option, so
        // -XX:+IgnoreUnrecognizedVMOptions does not cover it).
        List<String> spark = Arrays.stream(JavaModuleOptions.defaultModuleOptionArray())
                .filter(o -> !o.startsWith("--sun-misc-unsafe-memory-access")).toList();
        assertEquals(spark, ours);
        // The surefire argLine is the pom's spark.javaOptions: this JVM must have every one of them.
        List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String option : ours) {
            assertTrue(jvm.contains(option), option + " missing from " + jvm);
        }
        assertDoesNotThrow(JavaOptions::check);
    }
}
