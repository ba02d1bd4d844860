package dev.winrpc.async.idl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every refusal of issue 13's "Bad input" (and the model's other rules), through the command
 * line called in-process: exit status 2, the first line of standard error is
 * {@code file:line:column: <construct>: ...} at the place marked '@' in the case's text, and
 * nothing is written.
 */
class IdlRefusalTest {

    private static final String HEAD = "[uuid(11111111-2222-3333-4444-555555555555), version(1.0), pointer_default(unique)]\n"
            + "interface T\n{\n";

    /** A case: its text (an interface body unless it declares an interface itself), an ACF or null, the construct. */
    private static Arguments idl(String name, String text, String construct) {
        return Arguments.of(name, text.contains("interface") ? text : HEAD + text + "\n}\n", null, construct);
    }

    private static Arguments acf(String name, String idlBody, String acfText, String construct) {
        return Arguments.of(name, HEAD + idlBody + "\n}\n", acfText, construct);
    }

    static Stream<Arguments> cases() {
        String op = "long Op([in] handle_t h);\n";
        return Stream.of(
                idl("a C keyword as a field", "typedef struct S { long @goto; } S;\n" + op, "goto"),
                idl("a C keyword as a parameter", "long Op([in] handle_t h, [in] long @default);", "default"),
                idl("a C keyword as an operation", "@long switch([in] handle_t h);", "switch"),
                idl("a C keyword as a typedef", "typedef long @register;\n" + op, "register"),
                idl("a C keyword as a constant", "const long @static = 1;\n" + op, "static"),
                idl("a union", "typedef @union U { long a; } U;\n" + op, "union"),
                idl("a syntax error", "long Op([in] handle_t h)\n@}", "Op"),
                idl("an unknown type", "long Op([in] handle_t h, [in] @FOO x);", "FOO"),
                idl("a Windows type without the import", "long Op([in] handle_t h, [in] @DWORD x);", "DWORD"),
                idl("size_is naming nothing", "long Op([in] handle_t h, [in, size_is(count)] long *@values);", "size_is"),
                idl("size_is naming a non-integer", "long Op([in] handle_t h, [in] double d, [in, size_is(d)] long *@v);", "size_is"),
                idl("size_is naming an [out] parameter",
                        "long Op([in] handle_t h, [out] long *n, [in, size_is(n)] long *@v);", "size_is"),
                idl("size_is naming nothing in a struct", "typedef struct S { long n; [size_is(m)] long *@v; } S;\n" + op, "size_is"),
                idl("size_is with division", "long Op([in] handle_t h, [in] long n, [in, size_is(n@/2)] long *v);", "size_is"),
                idl("a conformant array without size_is", "long Op([in] handle_t h, [in] long v@[]);", "array"),
                idl("a duplicate operation", op + "@long Op([in] handle_t h);", "Op"),
                idl("an operation named as another's bulk method",
                        "typedef pipe long P;\nlong Sum([in] handle_t h, [in] P *p);\n@long SumBulk([in] handle_t h);", "SumBulk"),
                idl("a bulk method named as an earlier operation",
                        "typedef pipe long P;\n@long sumBulk([in] handle_t h);\nlong Sum([in] handle_t h, [out] P *p);", "sumBulk"),
                idl("an operation named as the bulk server's chunk method",
                        "typedef pipe long P;\nlong Sum([in] handle_t h, [in] P *p);\n@long ChunkElements([in] handle_t h);",
                        "ChunkElements"),
                idl("a duplicate parameter", "long Op([in] handle_t h, [in] long a, [in] long @a);", "a"),
                idl("a missing uuid", "[version(1.0)]\n@interface T\n{\n" + op + "}\n", "uuid"),
                idl("a malformed uuid", "[@uuid(1234), version(1.0)]\ninterface T\n{\n" + op + "}\n", "uuid"),
                idl("an [out] parameter without a pointer", "long Op([in] handle_t h, [out] long @x);", "out"),
                idl("an [out]-only [unique] pointer", "long Op([in] handle_t h, [out, unique] long *@x);", "unique"),
                idl("[ref] on a value", "long Op([in] handle_t h, [@ref] long x);", "ref"),
                idl("[ref] and [unique] together", "long Op([in] handle_t h, [in, ref, @unique] long *x);", "unique"),
                idl("no explicit binding handle", "@long Op([in] long a);", "handle_t"),
                idl("a pipe by value", "typedef pipe long P;\nlong Op([in] handle_t h, [in] P @p);", "pipe"),
                idl("a pipe in a struct", "typedef pipe long P;\ntypedef struct S { P @p; } S;\n" + op, "pipe"),
                idl("a pipe of pointers", "typedef struct S { long *p; } S;\ntypedef pipe S @P;\n" + op, "pipe"),
                idl("a context handle", "typedef [@context_handle] void *CTX;\n" + op, "context_handle"),
                idl("a void pointer", "long Op([in] handle_t h, [in] void *@p);", "void"),
                idl("[string] on an integer pointer", "long Op([in] handle_t h, [in, @string] long *s);", "string"),
                idl("range", "long Op([in] handle_t h, [in, @range(0, 4)] long a);", "range"),
                idl("a full pointer default", "[uuid(11111111-2222-3333-4444-555555555555), @pointer_default(ptr)]\n"
                        + "interface T\n{\n" + op + "}\n", "pointer_default"),
                idl("a COM interface", "[@object, uuid(11111111-2222-3333-4444-555555555555)]\ninterface T\n{\n" + op + "}\n", "object"),
                idl("an operation attribute", "[@idempotent] " + op, "idempotent"),
                idl("an import of another file", "import @\"other.idl\";\n" + op, "import"),
                idl("a conditional directive", "@#ifdef X\n" + op + "#endif\n", "#ifdef"),
                idl("a function-like macro", "@#define F(x) x\n" + op, "#define"),
                idl("a macro standing for a stray character", "@#define X $\n" + op, "#define"),
                idl("a macro standing for a type", "@#define T long\n" + op, "#define"),
                idl("an unterminated comment", op + "@/* never ends\n", "comment"),
                idl("a multi-dimensional array", "typedef struct S { long a[2]@[3]; } S;\n" + op, "array"),
                idl("a struct that contains itself", "typedef @struct S { long a; struct S inner; } S;\n" + op, "struct S"),
                idl("a constant too large for its type", "const short @BIG = 70000;\n" + op, "const"),
                idl("a struct used before its definition", "typedef struct A { @struct B *b; } A;\n" + op, "struct B"),
                idl("a library", "@library L { };\n[uuid(11111111-2222-3333-4444-555555555555)] interface T { " + op + "}", "library"),
                acf("an ACF naming an operation the IDL lacks", op, "interface T\n{\n    [async] @Missing();\n}\n", "Missing"),
                acf("an ACF naming an interface the IDL lacks", op, "interface @Other\n{\n}\n", "Other"),
                acf("an interface-level ACF attribute", op, "[@implicit_handle(handle_t h)]\ninterface T\n{\n}\n", "implicit_handle"),
                acf("an ACF operation attribute", op, "interface T\n{\n    [@comm_status] Op();\n}\n", "comm_status"),
                acf("an ACF parameter list", op, "interface T\n{\n    [async] Op(@h);\n}\n", "Op"));
    }

    /** Removes the '@' marker and returns its line and column. */
    private static int[] mark(StringBuilder text) {
        int at = text.indexOf("@");
        assertTrue(at >= 0, "the case marks the expected position with '@'");
        text.deleteCharAt(at);
        int line = 1;
        int col = 1;
        for (int k = 0; k < at; k++) {
            if (text.charAt(k) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new int[] {line, col};
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithItsLocationAndExitStatus2(String name, String idl, String acf, String construct, @TempDir Path dir)
            throws Exception {
        StringBuilder idlText = new StringBuilder(idl);
        StringBuilder acfText = acf == null ? null : new StringBuilder(acf);
        int[] pos = mark(acfText != null ? acfText : idlText);
        Path idlFile = dir.resolve("t.idl");
        Files.writeString(idlFile, idlText, StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of("--idl", idlFile.toString()));
        Path acfFile = dir.resolve("t.acf");
        if (acfText != null) {
            Files.writeString(acfFile, acfText, StandardCharsets.UTF_8);
            args.addAll(List.of("--acf", acfFile.toString()));
        }
        Path javaOut = dir.resolve("java");
        Path cOut = dir.resolve("c");
        args.addAll(List.of("--java-out", javaOut.toString(), "--java-package", "p", "--c-out", cOut.toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = IdlCompiler.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, stderr);
        String expected = (acfText != null ? acfFile : idlFile) + ":" + pos[0] + ":" + pos[1] + ": " + construct + ": ";
        assertTrue(stderr.startsWith(expected), "expected " + expected + "... but got " + stderr);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing reported written");
        assertFalse(Files.exists(javaOut), "nothing written on error");
        assertFalse(Files.exists(cOut), "nothing written on error");
    }
}
