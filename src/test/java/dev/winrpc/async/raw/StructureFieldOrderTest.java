package dev.winrpc.async.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.sun.jna.Structure;
import dev.winrpc.async.testing.LibraryClasses;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Like jna-platform's own structure test: every Structure of the library declares its public
 * fields in the order its @FieldOrder names them, so the Java declaration reads like the C one.
 */
class StructureFieldOrderTest {

    @Test
    void everyStructureDeclaresItsFieldsInFieldOrder() throws Exception {
        List<Class<?>> structures = new ArrayList<>();
        for (Class<?> c : LibraryClasses.all()) {
            if (Structure.class.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers())) {
                structures.add(c);
            }
        }
        assertFalse(structures.size() < 6, "found only " + structures);
        for (Class<?> c : structures) {
            Constructor<?> ctor = c.getDeclaredConstructor();
            Structure s = (Structure) ctor.newInstance();
            List<String> declared = new ArrayList<>();
            for (Field f : c.getDeclaredFields()) {
                int m = f.getModifiers();
                if (Modifier.isPublic(m) && !Modifier.isStatic(m)) {
                    declared.add(f.getName());
                }
            }
            assertEquals(declared, fieldOrder(s), c.getName());
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> fieldOrder(Structure s) throws Exception {
        java.lang.reflect.Method m = Structure.class.getDeclaredMethod("getFieldOrder");
        m.setAccessible(true);
        return (List<String>) m.invoke(s);
    }
}
