package dev.winrpc.async.idl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever the input, the compiler either accepts it or refuses it with diagnostics: no other
 * exception escapes (an IndexOutOfBounds or a ClassCast would be a bug that could equally have
 * produced wrong output), and every diagnostic has a location in one of the two files.
 */
class IdlRobustnessProperties {

    private static final List<String> PIECES = List.of("[", "]", "(", ")", "{", "}", ";", ",", "*", "=", "-", "<<", "/", "+",
            "interface", "typedef", "struct", "enum", "const", "pipe", "import", "\"wtypes.idl\"", "cpp_quote", "\"x\"",
            "uuid(11111111-2222-3333-4444-555555555555)", "version(1.0)", "pointer_default(unique)", "in", "out", "ref",
            "unique", "string", "size_is(n)", "size_is(*n)", "length_is(n)", "handle_t", "h", "n", "long", "unsigned",
            "short", "hyper", "wchar_t", "char", "byte", "boolean", "void", "DWORD", "LPWSTR", "GUID", "I", "Op", "S", "a",
            "[]", "[4]", "0x10", "7", "'c'", "L\"w\"", "#define N 3\n", "#pragma x\n", "#if 1\n", "/* c */", "// c\n", "\n",
            "async", "Op()", "include", "v1_enum", "error_status_t", "small", "int", "__int64", "double", "float");

    @Provide
    Arbitrary<String> idlSoup() {
        return Arbitraries.of(PIECES).list().ofMaxSize(60).map(l -> String.join(" ", l));
    }

    private static final String GOOD_HEAD = "import \"wtypes.idl\";\n[uuid(11111111-2222-3333-4444-555555555555)]\ninterface I\n{\n";

    private static String subset() {
        try {
            return Files.readString(IdlModelTest.SUBSET);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The second test IDL with one of its characters cut, or doubled, or one piece pasted in. */
    @Property(tries = 400)
    void aMutatedRealIdlIsAcceptedOrRefusedWithDiagnostics(@ForAll("idlSoup") String piece, @ForAll double where,
            @ForAll boolean cut) {
        String text = subset();
        int at = (int) (Math.abs(where) % 1.0 * text.length());
        List<String> mutants = new ArrayList<>(List.of(text.substring(0, at) + piece + text.substring(at)));
        mutants.add(cut ? text.substring(0, at) + text.substring(Math.min(text.length(), at + 1))
                : text.substring(0, at) + text.charAt(at) + text.substring(at));
        for (String idl : mutants) {
            try {
                Idl.parse("f.idl", idl, null, null);
            } catch (IdlException e) {
                for (Diagnostic d : e.diagnostics()) {
                    assertTrue(d.at().file().equals("f.idl"), d.toString());
                }
            }
        }
    }

    @Property(tries = 400)
    void anyTextIsAcceptedOrRefusedWithDiagnostics(@ForAll("idlSoup") String body, @ForAll("idlSoup") String acf) {
        for (String idl : List.of(body, GOOD_HEAD + body + "\n}\n")) {
            for (String acfText : new String[] {null, "interface I { " + acf + " }", acf}) {
                try {
                    Idl.parse("f.idl", idl, acfText == null ? null : "f.acf", acfText);
                } catch (IdlException e) {
                    assertFalse(e.diagnostics().isEmpty());
                    for (Diagnostic d : e.diagnostics()) {
                        assertTrue(List.of("f.idl", "f.acf").contains(d.at().file()), d.toString());
                        assertFalse(d.construct().isEmpty(), d.toString());
                    }
                }
            }
        }
    }
}
