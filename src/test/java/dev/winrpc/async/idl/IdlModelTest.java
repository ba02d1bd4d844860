package dev.winrpc.async.idl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winrpc.async.idl.IdlType.ConformantArray;
import dev.winrpc.async.idl.IdlType.EnumType;
import dev.winrpc.async.idl.IdlType.EnumValue;
import dev.winrpc.async.idl.IdlType.FixedArray;
import dev.winrpc.async.idl.IdlType.Pipe;
import dev.winrpc.async.idl.IdlType.Pointer;
import dev.winrpc.async.idl.IdlType.PointerKind;
import dev.winrpc.async.idl.IdlType.Primitive;
import dev.winrpc.async.idl.IdlType.Ref;
import dev.winrpc.async.idl.IdlType.StringType;
import dev.winrpc.async.idl.IdlType.StructType;
import dev.winrpc.async.idl.Param.Direction;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** windows-tests/fixture.idl (+ .acf) and the second test IDL parse to the model expected of them. */
class IdlModelTest {

    static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    static final Path SUBSET = ROOT.resolve("src/test/resources/idl/subset.idl");
    static final Path SUBSET_ACF = ROOT.resolve("src/test/resources/idl/subset.acf");

    private static Param param(Operation op, String name) {
        return op.params().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theFixtureParsesToItsSixAsyncOperations() throws Exception {
        IdlModel m = Idl.parse(ROOT.resolve("windows-tests/fixture.idl"), ROOT.resolve("windows-tests/fixture.acf"));
        assertEquals(1, m.interfaces().size());
        IdlInterface i = m.interfaces().get(0);
        assertEquals("WinRpcFixture", i.name());
        assertEquals(UUID.fromString("98937d29-ee7e-4755-a7dc-3f4a88589958"), i.uuid());
        assertEquals(1, i.majorVersion());
        assertEquals(0, i.minorVersion());
        assertEquals(PointerKind.UNIQUE, i.pointerDefault());
        assertEquals(List.of("Add", "Sleep", "Fail", "PipeSum", "PipeRange", "PipeEcho"),
                i.operations().stream().map(Operation::name).toList());
        for (int k = 0; k < 6; k++) {
            Operation op = i.operations().get(k);
            assertEquals(k, op.opnum(), op.name());
            assertTrue(op.async(), op.name());
            assertEquals(Primitive.LONG, op.returnType(), op.name());
            assertEquals(new Param("h", Direction.IN, Primitive.HANDLE, op.params().get(0).at()), op.params().get(0));
        }
        assertEquals(new Pipe(Primitive.LONG), m.types().get("INTPIPE").type());
        assertEquals(Primitive.UNSIGNED_LONG, param(i.operation("Sleep").orElseThrow(), "ms").type());
        Operation echo = i.operation("PipeEcho").orElseThrow();
        assertEquals(List.of("h", "a", "inpipe", "outpipe", "b"), echo.params().stream().map(Param::name).toList());
        assertEquals(List.of(Direction.IN, Direction.IN, Direction.IN, Direction.OUT, Direction.OUT),
                echo.params().stream().map(Param::direction).toList());
        Pointer pipe = new Pointer(new Ref("INTPIPE"), PointerKind.REF);
        assertEquals(pipe, param(echo, "inpipe").type());
        assertEquals(pipe, param(echo, "outpipe").type());
        assertEquals(new Pointer(Primitive.LONG, PointerKind.REF), param(echo, "b").type());
        Location at = param(echo, "b").at();
        assertTrue(at.file().endsWith("fixture.idl"), at.toString());
        List<String> lines = java.nio.file.Files.readAllLines(ROOT.resolve("windows-tests/fixture.idl"));
        int line = 1 + lines.indexOf(lines.stream().filter(l -> l.contains("int PipeEcho(")).findFirst().orElseThrow());
        assertEquals(line, at.line(), "the line of PipeEcho's declaration");
        assertEquals(lines.get(line - 1).indexOf("*b)") + 2, at.column(), "the column of its parameter b");
        assertTrue(m.constants().isEmpty());
    }

    @Test
    void withoutItsAcfNoOperationIsAsync() throws Exception {
        IdlModel m = Idl.parse(ROOT.resolve("windows-tests/fixture.idl"), null);
        assertTrue(m.interfaces().get(0).operations().stream().noneMatch(Operation::async));
    }

    @Test
    void theSubsetIdlParsesToItsModel() throws Exception {
        IdlModel m = Idl.parse(SUBSET, SUBSET_ACF);
        IdlInterface i = m.iface("Subset").orElseThrow();
        assertEquals(2, i.majorVersion());
        assertEquals(1, i.minorVersion());
        assertEquals(List.of(0x0102L, -128L, true, "subset", (long) ':'), m.constants().stream().map(Constant::value).toList());

        assertEquals(new EnumType("_COLOR", List.of(new EnumValue("COLOR_RED", 1), new EnumValue("COLOR_GREEN", 2),
                new EnumValue("COLOR_BLUE", 8)), true), m.resolve(new Ref("COLOR")));
        assertEquals(new EnumType("SHAPE", List.of(new EnumValue("SHAPE_ROUND", 0), new EnumValue("SHAPE_SQUARE", 1)), false),
                m.resolve(new Ref("SHAPE")));
        StructType record = (StructType) m.resolve(new Ref("RECORD"));
        assertEquals(List.of("name", "ansi", "alias", "id", "corner", "optional", "required", "shape", "flags", "count", "values"),
                record.fields().stream().map(Field::name).toList());
        assertEquals(new StringType(Primitive.WCHAR, PointerKind.UNIQUE), record.fields().get(0).type());
        assertEquals(new StringType(Primitive.CHAR, PointerKind.UNIQUE), record.fields().get(1).type());
        assertEquals(new Pointer(new Ref("struct _POINT"), PointerKind.UNIQUE), m.resolve(record.fields().get(5).type()));
        assertEquals(new Pointer(new Ref("POINT"), PointerKind.REF), record.fields().get(6).type());
        assertEquals(new FixedArray(Primitive.UNSIGNED_SHORT, 4, null), record.fields().get(8).type());
        assertEquals(new ConformantArray(Primitive.LONG, new SizeExpr("count", false, 1, 0), null), record.fields().get(10).type());
        StructType blob = (StructType) m.resolve(new Ref("BLOB"));
        assertEquals(new Pointer(new ConformantArray(Primitive.BYTE, new SizeExpr("cb", false, 1, 0), null), PointerKind.UNIQUE),
                blob.fields().get(1).type());
        assertEquals(new Pipe(new Ref("SAMPLE")), m.types().get("SAMPLE_PIPE").type());
        assertEquals(new Pointer(new Ref("struct _NODE"), PointerKind.UNIQUE),
                ((StructType) m.resolve(new Ref("NODE"))).fields().get(1).type(), "a struct that points to itself");

        Operation hello = i.operation("Hello").orElseThrow();
        assertEquals(Primitive.ERROR_STATUS, hello.returnType());
        assertEquals(new StringType(Primitive.WCHAR, PointerKind.REF), param(hello, "who").type());
        assertEquals(new Pointer(new StringType(Primitive.WCHAR, PointerKind.UNIQUE), PointerKind.REF), param(hello, "greeting").type());
        Operation fill = i.operation("Fill").orElseThrow();
        assertEquals(new Pointer(new ConformantArray(Primitive.BYTE, new SizeExpr("max", false, 1, 0),
                new SizeExpr("written", true, 1, 0)), PointerKind.REF), param(fill, "buffer").type());
        Operation swap = i.operation("Swap").orElseThrow();
        assertEquals(Primitive.VOID, swap.returnType());
        assertEquals(Direction.IN_OUT, param(swap, "p").direction());
        assertEquals(new Pointer(Primitive.LONG, PointerKind.UNIQUE), param(swap, "optional").type());
        assertEquals(new Pointer(new Ref("RECORD"), PointerKind.UNIQUE), param(i.operation("Describe").orElseThrow(), "record").type());
        SizeExpr scaled = ((ConformantArray) ((Pointer) param(i.operation("Scaled").orElseThrow(), "chars").type()).target()).sizeIs();
        assertEquals(new SizeExpr("n", false, 2, 1), scaled);
        assertEquals(7, scaled.apply(3));
        Operation rec = i.operation("Record").orElseThrow();
        assertInstanceOf(Pipe.class, m.resolve(((Pointer) param(rec, "samples").type()).target()));
        assertEquals(Direction.OUT, param(rec, "log").direction());
        Operation ping = i.operation("Ping").orElseThrow();
        assertFalse(ping.async(), "Ping is not in the ACF: synchronous");
        assertEquals(Primitive.BOOLEAN, ping.returnType());
        Operation window = i.operation("Window").orElseThrow();
        assertFalse(window.async(), "Window is not in the ACF: synchronous");
        assertTrue(i.operations().stream().filter(o -> o != ping && o != window).allMatch(Operation::async));
        Operation rename = i.operation("Rename").orElseThrow();
        assertEquals(Direction.IN_OUT, param(rename, "name").direction());
        assertEquals(new StringType(Primitive.WCHAR, PointerKind.REF), param(rename, "name").type());
        assertEquals(new StringType(Primitive.CHAR, PointerKind.UNIQUE), param(rename, "tag").type());
        assertEquals(Direction.IN_OUT, param(i.operation("Rotate").orElseThrow(), "quad").direction());
        assertEquals(new Pointer(new ConformantArray(Primitive.BYTE, new SizeExpr("max", false, 1, 0),
                new SizeExpr("used", false, 1, 0)), PointerKind.REF), param(window, "window").type());
    }

    @Test
    void thePreludeGivesTheWindowsBaseTypes() throws Exception {
        IdlModel m = Idl.parse(SUBSET, null);
        assertEquals(Primitive.UNSIGNED_LONG, m.resolve(new Ref("DWORD")));
        assertEquals(Primitive.LONG, m.resolve(new Ref("BOOL")));
        assertEquals(Primitive.UNSIGNED_SHORT, m.resolve(new Ref("WORD")));
        assertEquals(Primitive.HYPER, m.resolve(new Ref("LONGLONG")));
        assertEquals(Primitive.HANDLE, m.resolve(new Ref("RPC_BINDING_HANDLE")));
        assertEquals(new StringType(Primitive.WCHAR, PointerKind.UNIQUE), m.resolve(new Ref("LPWSTR")));
        assertInstanceOf(StructType.class, m.resolve(new Ref("GUID")));
        assertTrue(m.types().get("DWORD").fromPrelude());
        assertFalse(m.types().get("RECORD").fromPrelude());
    }

    @Test
    void aDiagnosticPrintsFileLineColumnConstructAndMessage() {
        Diagnostic d = new Diagnostic(new Location("a.idl", 3, 7), "union", "outside the subset");
        assertEquals("a.idl:3:7: union: outside the subset", d.toString());
        IdlException e = new IdlException(List.of(d, d));
        assertEquals(d + "\n" + d, e.getMessage());
    }
}
