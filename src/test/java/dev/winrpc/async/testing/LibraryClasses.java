package dev.winrpc.async.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Every class of the library's main code (target/classes), loaded without initialising it. */
public final class LibraryClasses {

    private LibraryClasses() {
    }

    /**
     * @return the names of every class under target/classes, without META-INF/versions (the
     *         multi-release variants, which only raw.Java22Classes loads, under their own names)
     */
    public static List<String> names() {
        try {
            Path root = Path.of(dev.winrpc.async.RpcRuntime.class.getProtectionDomain()
                    .getCodeSource().getLocation().toURI());
            List<String> names = new ArrayList<>();
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> f.toString().endsWith(".class") && !root.relativize(f).startsWith("META-INF"))
                        .forEach(f -> {
                    String rel = root.relativize(f).toString();
                    names.add(rel.substring(0, rel.length() - ".class".length())
                            .replace(java.io.File.separatorChar, '.'));
                });
            }
            if (names.isEmpty()) {
                throw new AssertionError("no classes found under " + root);
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return every class, loaded but not initialised */
    public static List<Class<?>> all() {
        List<Class<?>> classes = new ArrayList<>();
        for (String n : names()) {
            try {
                classes.add(Class.forName(n, false, LibraryClasses.class.getClassLoader()));
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        }
        return classes;
    }
}
