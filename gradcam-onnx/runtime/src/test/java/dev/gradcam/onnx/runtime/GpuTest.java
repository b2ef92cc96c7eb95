package dev.gradcam.onnx.runtime;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A test that needs an NVIDIA GPU with CUDA 12 and cuDNN 9: tagged {@code gpu} (excluded by default) and enabled
 * only with {@code -Dgradcam.gpu=true}. Run with
 * {@code mvn -pl gradcam-onnx/runtime -am test -Dgroups=gpu -DexcludedTestGroups=none -Dgradcam.gpu=true}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Tag("gpu")
@Test
@EnabledIfSystemProperty(named = "gradcam.gpu", matches = "true")
@interface GpuTest {
}
