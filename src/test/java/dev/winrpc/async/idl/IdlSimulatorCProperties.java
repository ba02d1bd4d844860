package dev.winrpc.async.idl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * For random IDL within the subset ({@link IdlJavaTypesProperties#randomIdl}'s structs, passed to
 * operations by value, by {@code [unique]} pointer and as {@code [in, out]}), the simulator's stub
 * library source {@code I_sim.c} compiles with gcc ({@code -std=c11 -Wall -Wextra -Werror})
 * against its header and {@code simulator/src/sim_ndr.h}: SimulatorC never writes C that does
 * not compile, and never fails on a type of the subset.
 */
class IdlSimulatorCProperties {

    @Property(tries = 15)
    void theSimulatorCOfAnyIdlOfTheSubsetCompiles(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int structs)
            throws Exception {
        // C's keywords are no C field names (MIDL refuses them too): randomIdl's goto is renamed.
        String idl = IdlJavaTypesProperties.randomIdl(seed, structs).replaceAll("\\bgoto", "go_to");
        StringBuilder ops = new StringBuilder();
        for (int s = 0; s < structs; s++) {
            ops.append("    long Op").append(s).append("([in] handle_t h, [in, unique] S").append(s).append(" *a, [in] S")
                    .append(s).append(" b, [in, out] S").append(s).append(" *c, [in] unsigned long n, [in, size_is(n)] S")
                    .append(s).append(" *d);\n");
        }
        ops.append("    void Plain([in] handle_t h, [in] E e, [out] E *pe);\n");
        idl = idl.replace("    long Op([in] handle_t h);\n", ops.toString());
        IdlModel model = Idl.parse("r.idl", idl, null, null);
        Map<String, String> c = new java.util.LinkedHashMap<>(CHeader.generate(model));
        c.putAll(SimulatorC.generate(model));
        Path dir = Files.createTempDirectory("idlsimprop");
        try {
            for (Map.Entry<String, String> e : c.entrySet()) {
                Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
            }
            List<String> args = new ArrayList<>(CCompiler.STRICT);
            args.addAll(List.of("-D_GNU_SOURCE", "-I" + IdlModelTest.ROOT.resolve("simulator/src"),
                    "-I" + CCompiler.nativeHeaders(), "-I" + dir, "-c", dir.resolve("R_sim.c").toString(), "-o",
                    dir.resolve("R_sim.o").toString()));
            try {
                CCompiler.run("gcc", args);
            } catch (AssertionError e) {
                throw new AssertionError(idl + "\n" + e.getMessage(), e);
            }
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }
}
