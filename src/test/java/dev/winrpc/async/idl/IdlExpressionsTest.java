package dev.winrpc.async.idl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Constant expressions and the preprocessor lines the subset accepts, evaluated as C does. */
class IdlExpressionsTest {

    private static final String TAIL = "[uuid(11111111-2222-3333-4444-555555555555)] interface I { long Op([in] handle_t h); }\n";

    private static List<Object> values(String declarations) throws IdlException {
        return Idl.parse("e.idl", declarations + TAIL, null, null).constants().stream().map(Constant::value).toList();
    }

    @Test
    void integerOperatorsFollowCsPrecedence() throws IdlException {
        assertEquals(List.of(7L, 9L, 1L << 20, 6L, 0x0F0L, -8L, 5L, 2L, 1L, 10L >> 3),
                values("const long A = 1 + 2 * 3;\nconst long B = (1 + 2) * 3;\nconst long C = 1 << 4 * 5;\n"
                        + "const long D = 0x6 | 2 & 3;\nconst long E = 0xFF ^ 0x0F;\nconst long F = ~7;\n"
                        + "const long G = 017 % 10;\nconst long H = A / 3;\nconst long K = -(-1);\nconst long L = 10 >> 2 + 0 - -1;\n"));
    }

    @Test
    void literalsTakeCsForms() throws IdlException {
        assertEquals(List.of(16L, 8L, 10L, 0xFFFFFFFFL, (long) 'a', (long) '\n', "a\"b", true, false),
                values("const long A = 0x10;\nconst long B = 010;\nconst long C = 10L;\nconst unsigned long D = 0xFFFFFFFFUL;\n"
                        + "const char E = 'a';\nconst char F = '\\n';\nconst char *G = \"a\\\"b\";\n"
                        + "const boolean T = TRUE;\nconst boolean U = 0;\n"));
    }

    @Test
    void enumValuesAndMacrosAreConstants() throws IdlException {
        assertEquals(List.of(12L, 3L, -4L),
                values("#define W 4\n#define V (-W)\ntypedef enum { X = W, Y, Z = Y * 2 + 2 } EN;\n"
                        + "const long A = Z;\nconst long B = Y - 2;\n"
                        + "const long C = V;\n"));
    }

    @Test
    void divisionByZeroAndUnknownNamesAreRefused() {
        IdlException zero = assertThrows(IdlException.class, () -> values("const long A = 1 / 0;\n"));
        assertTrue(zero.getMessage().startsWith("e.idl:1:18: const: division by zero"), zero.getMessage());
        IdlException unknown = assertThrows(IdlException.class, () -> values("const long A = B + 1;\n"));
        assertTrue(unknown.getMessage().startsWith("e.idl:1:16: const: 'B' is not a constant"), unknown.getMessage());
        IdlException sizeOf = assertThrows(IdlException.class, () -> values("const long A = sizeof(long);\n"));
        assertTrue(sizeOf.getMessage().startsWith("e.idl:1:16: const:"), sizeOf.getMessage());
    }

    @Test
    void aFixedArraySizeIsAConstantExpression() throws IdlException {
        IdlModel m = Idl.parse("e.idl", "const long N = 3;\ntypedef struct S { byte b[N * 2]; } S;\n" + TAIL, null, null);
        IdlType.StructType s = (IdlType.StructType) m.resolve(new IdlType.Ref("S"));
        assertEquals(new IdlType.FixedArray(IdlType.Primitive.BYTE, 6, null), s.fields().get(0).type());
    }
}
