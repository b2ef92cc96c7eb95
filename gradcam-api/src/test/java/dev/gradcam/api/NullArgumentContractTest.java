package dev.gradcam.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.InMemoryCnn;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exception contract for null arguments (issue 12): every public constructor and static method of every public
 * class of gradcam-api, and every public method of the objects they and the Explainer builder return, called with a
 * null in each reference parameter (the others set to ordinary values), throws a {@link GradCamException} subtype
 * (usually {@link InvalidArgumentException} naming the argument) or accepts the null; never a NullPointerException
 * or another internal exception.
 */
class NullArgumentContractTest {

    /** Methods whose null handling is the JDK's contract, not ours. */
    private static final Set<String> SKIPPED = Set.of("equals", "wait", "notify", "notifyAll", "getClass",
            "hashCode", "toString", "close", "main", "values", "valueOf");

    @TempDir
    static Path dir;

    private final Set<String> leaks = new TreeSet<>();
    private int calls;

    @Test
    void noPublicMethodLetsANullPointerExceptionEscape() throws Exception {
        List<Class<?>> classes = publicClasses();
        List<Object> instances = new ArrayList<>();
        try (InMemoryCnn model = InMemoryCnn.random(1, 3, 4, 5, 6, 6)) {
            Explainer.Builder builder = Explainer.of(model, CamMethods.gradCam()).layer(InMemoryCnn.RELU);
            instances.add(builder);
            instances.add(builder.build());
            instances.add(FloatTensor.zeros(Shape.of(1, 3, 6, 6)));
            instances.add(Shape.of(1, 3, 6, 6));
            for (Class<?> c : classes) {
                for (Constructor<?> k : c.getConstructors()) {
                    Object made = probe(k, null);
                    if (made != null) {
                        instances.add(made);
                    }
                }
                for (Method m : c.getMethods()) {
                    if (Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() == c) {
                        Object made = probe(m, null);
                        if (made != null && m.getParameterCount() == 0 && !made.getClass().isArray()
                                && made.getClass().getName().startsWith("dev.gradcam")) {
                            instances.add(made);
                        }
                    }
                }
            }
            for (Object o : instances) {
                for (Method m : o.getClass().getMethods()) {
                    if (!Modifier.isStatic(m.getModifiers()) && Modifier.isPublic(m.getDeclaringClass()
                            .getModifiers()) && m.getDeclaringClass().getName().startsWith("dev.gradcam")) {
                        probe(m, o);
                    }
                }
            }
        }
        System.out.println("null-argument scan: " + calls + " calls on " + classes.size() + " classes and "
                + instances.size() + " objects");
        assertTrue(calls > 500, "the scan reached " + calls + " calls");
        assertTrue(leaks.isEmpty(), leaks.size() + " calls let a non-GradCamException escape:\n"
                + String.join("\n", leaks));
    }

    /** Calls {@code e} once per reference parameter with null there; returns what the no-null call made, if any. */
    private Object probe(Executable e, Object target) {
        if (SKIPPED.contains(e.getName()) || e.isSynthetic() || e.getDeclaringClass().isEnum()) {
            return null;
        }
        Class<?>[] types = e.getParameterTypes();
        Object[] ordinary = new Object[types.length];
        boolean complete = true;
        for (int i = 0; i < types.length; i++) {
            ordinary[i] = sample(types[i]);
            complete &= ordinary[i] != null || types[i].isPrimitive();
        }
        for (int i = 0; i < types.length; i++) {
            if (types[i].isPrimitive()) {
                continue;
            }
            Object[] args = ordinary.clone();
            args[i] = null;
            call(e, target, args, i);
        }
        if (types.length == 0 && e instanceof Method m && m.getReturnType() != void.class
                && Modifier.isStatic(m.getModifiers())) {
            return invokeQuietly(e, target, ordinary);
        }
        return complete && e instanceof Constructor<?> ? invokeQuietly(e, target, ordinary) : null;
    }

    private void call(Executable e, Object target, Object[] args, int nullAt) {
        calls++;
        try {
            invoke(e, target, args);
        } catch (InvocationTargetException x) {
            Throwable t = x.getCause();
            if (!(t instanceof GradCamException)) {
                leaks.add(e.getDeclaringClass().getSimpleName() + "." + e.getName() + " "
                        + List.of(e.getParameterTypes()).stream().map(Class::getSimpleName).toList()
                        + " null at " + nullAt + ": " + t);
            }
        } catch (ReflectiveOperationException | IllegalArgumentException ignored) {
            // not callable this way (abstract, inaccessible); nothing to check
        }
    }

    private static Object invokeQuietly(Executable e, Object target, Object[] args) {
        try {
            return invoke(e, target, args);
        } catch (ReflectiveOperationException | RuntimeException ignored) {
            return null;
        }
    }

    private static Object invoke(Executable e, Object target, Object[] args) throws ReflectiveOperationException {
        if (e instanceof Constructor<?> k) {
            return k.newInstance(args);
        }
        return ((Method) e).invoke(target, args);
    }

    /** An ordinary value of a parameter type, or null when there is none to make. */
    private static Object sample(Class<?> t) {
        Map<Class<?>, Object> m = new LinkedHashMap<>();
        m.put(int.class, 1);
        m.put(long.class, 1L);
        m.put(double.class, 0.5);
        m.put(float.class, 0.5f);
        m.put(boolean.class, false);
        m.put(String.class, "x");
        m.put(FloatTensor.class, FloatTensor.zeros(Shape.of(1, 3, 6, 6)));
        m.put(Shape.class, Shape.of(1, 3, 6, 6));
        m.put(int[].class, new int[] {1});
        m.put(long[].class, new long[] {1, 3, 6, 6});
        m.put(float[].class, new float[] {1});
        m.put(double[].class, new double[] {1});
        m.put(List.class, List.of());
        m.put(Map.class, Map.of());
        m.put(Set.class, Set.of());
        m.put(Optional.class, Optional.empty());
        m.put(Path.class, dir.resolve("missing").resolve("x"));
        if (m.containsKey(t)) {
            return m.get(t);
        }
        if (t.isEnum() && t.getEnumConstants().length > 0) {
            return t.getEnumConstants()[0];
        }
        return null;
    }

    private static List<Class<?>> publicClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(Explainer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                String name = root.relativize(f).toString().replace('/', '.').replace(".class", "");
                if (name.contains("$") && !name.matches(".*\\$[A-Z][A-Za-z]*$")) {
                    continue;
                }
                Class<?> c = Class.forName(name, false, NullArgumentContractTest.class.getClassLoader());
                if (Modifier.isPublic(c.getModifiers()) && !Throwable.class.isAssignableFrom(c)) {
                    out.add(c);
                }
            }
        }
        return out;
    }
}
