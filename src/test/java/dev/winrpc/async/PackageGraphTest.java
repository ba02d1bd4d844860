package dev.winrpc.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering of src/main, read from the sources' imports (the codebase issue: the raw
 * package once imported RpcRuntime and RpcException from the package above it): the package
 * graph has no cycle, raw and pipe import nothing of the library, and no file is longer than
 * 500 lines.
 */
class PackageGraphTest {

    private static final Path MAIN = Path.of("src", "main", "java");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(dev\\.winrpc\\.async(?:\\.[a-z]+)*)\\.[A-Z]",
            Pattern.MULTILINE);

    private static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> g = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String pkg = MAIN.relativize(f.getParent()).toString().replace(f.getFileSystem().getSeparator(), ".");
                Set<String> deps = g.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        deps.add(m.group(1));
                    }
                }
            }
        }
        return g;
    }

    @Test
    void thePackageGraphHasNoCycle() throws IOException {
        Map<String, Set<String>> g = graph();
        assertTrue(g.size() >= 5, g.toString());
        for (String start : g.keySet()) {
            List<String> stack = new ArrayList<>();
            assertTrue(!reaches(g, start, start, stack, new TreeSet<>()), "a cycle: " + start + " -> " + stack);
        }
    }

    private static boolean reaches(Map<String, Set<String>> g, String from, String target, List<String> path,
            Set<String> seen) {
        for (String next : g.getOrDefault(from, Set.of())) {
            path.add(next);
            if (next.equals(target) || (seen.add(next) && reaches(g, next, target, path, seen))) {
                return true;
            }
            path.remove(path.size() - 1);
        }
        return false;
    }

    @Test
    void rawAndPipeImportNothingOfTheLibrary() throws IOException {
        Map<String, Set<String>> g = graph();
        assertEquals(Set.of(), g.get("dev.winrpc.async.raw"), "raw's imports of the library");
        assertEquals(Set.of(), g.get("dev.winrpc.async.pipe"), "pipe's imports of the library");
    }

    @Test
    void noFileOfTheLibraryIsLongerThan500Lines() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                long n = Files.readAllLines(f).size();
                assertTrue(n <= 500, f + " has " + n + " lines");
            }
        }
    }
}
