package dev.winrpc.async.stub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import dev.winrpc.async.idl.IdlCompiler;
import dev.winrpc.async.stub.SubsetTypes.Blob;
import dev.winrpc.async.stub.SubsetTypes.Color;
import dev.winrpc.async.stub.SubsetTypes.Node;
import dev.winrpc.async.stub.SubsetTypes.Point;
import dev.winrpc.async.stub.SubsetTypes.Rec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * C code compiled with gcc against the generated Subset_winrpc.h reads what NdrCodec wrote
 * (every field, through the header's own struct declarations), and NdrCodec reads what C built
 * with malloc, then frees exactly those blocks with C's free.
 */
class NdrNativeTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();

    private static final String C = """
            #include "Subset_winrpc.h"
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>

            static int frees;

            static int wstr(char *b, int n, const uint16_t *s)
            {
                if (s == NULL)
                    return snprintf(b, n, "null");
                int k = 0;
                for (; *s; s++)
                    k += snprintf(b + k, n - k, "%x.", *s);
                return k;
            }

            int describe_record(const RECORD *r, char *b, int n)
            {
                int k = snprintf(b, n, "name=");
                k += wstr(b + k, n - k, r->name);
                k += snprintf(b + k, n - k, " ansi=%s alias=", r->ansi ? r->ansi : "null");
                k += wstr(b + k, n - k, r->alias);
                k += snprintf(b + k, n - k, " id=%08x-%04x-%04x-%02x%02x corner=%d,%d optional=", (unsigned)r->id.Data1,
                              r->id.Data2, r->id.Data3, r->id.Data4[0], r->id.Data4[7], r->corner.x, r->corner.y);
                k += r->optional ? snprintf(b + k, n - k, "%d,%d", r->optional->x, r->optional->y)
                                 : snprintf(b + k, n - k, "null");
                k += snprintf(b + k, n - k, " required=%d,%d shape=%d flags=%u,%u,%u,%u count=%u values=", r->required->x,
                              r->required->y, (int)r->shape, r->flags[0], r->flags[1], r->flags[2], r->flags[3],
                              (unsigned)r->count);
                for (uint32_t i = 0; i < r->count; i++)
                    k += snprintf(b + k, n - k, "%d.", r->values[i]);
                return k;
            }

            int describe_blob(const BLOB *o, char *b, int n)
            {
                int k = snprintf(b, n, "cb=%u data=", (unsigned)o->cb);
                for (uint32_t i = 0; o->data && i < o->cb; i++)
                    k += snprintf(b + k, n - k, "%u.", o->data[i]);
                k += snprintf(b + k, n - k, " labels=");
                k += wstr(b + k, n - k, o->labels[0]);
                k += snprintf(b + k, n - k, "|");
                k += wstr(b + k, n - k, o->labels[1]);
                k += snprintf(b + k, n - k, " required=");
                k += wstr(b + k, n - k, o->required[0]);
                return k;
            }

            int sum_list(const NODE *p)
            {
                int s = 0;
                for (; p; p = p->next)
                    s = s * 10 + p->value;
                return s;
            }

            static uint16_t *wdup(const char *s)
            {
                size_t n = strlen(s);
                uint16_t *w = malloc((n + 1) * 2);
                for (size_t i = 0; i <= n; i++)
                    w[i] = (unsigned char)s[i];
                return w;
            }

            RECORD *make_record(void)
            {
                RECORD *r = calloc(1, offsetof(RECORD, values) + 3 * sizeof(int32_t));
                r->name = wdup("from c");
                r->name[0] = 0x20ac;
                r->ansi = malloc(6);
                memcpy(r->ansi, "ansi\\xe9", 6);
                r->alias = NULL;
                r->id.Data1 = 0x01020304; r->id.Data2 = 0x0506; r->id.Data3 = 0x0708;
                for (int i = 0; i < 8; i++)
                    r->id.Data4[i] = (uint8_t)(0x10 + i);
                r->corner.x = -1; r->corner.y = 2;
                r->optional = NULL;
                r->required = malloc(sizeof(POINT));
                r->required->x = 7; r->required->y = 8;
                r->shape = SHAPE_SQUARE;
                r->flags[0] = 65535; r->flags[3] = 4;
                r->count = 3;
                r->values[0] = 1; r->values[1] = -2; r->values[2] = 3;
                return r;
            }

            NODE *make_list(int n)
            {
                NODE *head = NULL;
                for (int i = n; i > 0; i--) {
                    NODE *p = malloc(sizeof *p);
                    p->value = i;
                    p->next = head;
                    head = p;
                }
                return head;
            }

            void counted_free(void *p)
            {
                frees++;
                free(p);
            }

            int frees_so_far(void)
            {
                return frees;
            }
            """;

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(5, TimeUnit.MINUTES);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + out);
    }

    private static NativeLibrary build(Path dir) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = IdlCompiler.run(new String[] {"--idl", ROOT.resolve("src/test/resources/idl/subset.idl").toString(), "--java-out",
            dir.resolve("java").toString(), "--java-package", "gen.x", "--c-out", dir.resolve("c").toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        Path src = dir.resolve("native.c");
        Files.writeString(src, C);
        Path lib = dir.resolve("libndrnative.so");
        run(List.of("gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-I" + dir.resolve("c"),
                "-I" + ROOT.resolve("native-headers"), src.toString(), "-o", lib.toString()));
        return NativeLibrary.getInstance(lib.toString());
    }

    private static String call(NativeLibrary lib, String fn, Pointer value) {
        try (Memory buf = new Memory(4096)) {
            int n = lib.getFunction(fn).invokeInt(new Object[] {value, buf, 4096});
            return new String(buf.getByteArray(0, n), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void cReadsWhatJavaWroteAndJavaReadsAndFreesWhatCBuilt(@TempDir Path dir) throws Exception {
        NativeLibrary lib = build(dir);
        UUID id = UUID.fromString("0a0b0c0d-0e0f-1011-1213-141516171819");
        Rec r = new Rec("h\u00e9", "a\u00ff", null, id, new Point(-3, 4), new Point(5, 6), new Point(7, -8), Color.BLUE,
                new short[] {1, -1, 3, 4}, 2, new int[] {-9, 10});
        Blob b = new Blob(3, new byte[] {1, (byte) 200, 3}, Arrays.asList(null, "l"), List.of("\u20ac"));
        try (NdrMemory m = new NdrMemory()) {
            assertEquals("name=68.e9. ansi=a\u00ff alias=null id=0a0b0c0d-0e0f-1011-1219 corner=-3,4 optional=5,6"
                    + " required=7,-8 shape=8 flags=1,65535,3,4 count=2 values=-9.10.",
                    call(lib, "describe_record", m.write(SubsetTypes.RECORD, r, null)));
            assertEquals("cb=3 data=1.200.3. labels=null|6c. required=20ac.", call(lib, "describe_blob", m.write(SubsetTypes.BLOB, b, null)));
            assertEquals(1234, lib.getFunction("sum_list").invokeInt(new Object[] {m.write(SubsetTypes.NODE, SubsetTypes.list(1, 4), null)}));
        }
        Function free = lib.getFunction("counted_free");
        Function frees = lib.getFunction("frees_so_far");
        Pointer made = lib.getFunction("make_record").invokePointer(new Object[0]);
        Rec back = NdrCodec.read(SubsetTypes.RECORD, made, 0, null);
        // shape: SHAPE_SQUARE is 1, which the hand-built descriptor (COLOR's) reads as Color.RED
        NdrCodecTest.assertDeepEquals(new Rec("\u20acrom c", "ansi\u00e9", null, UUID.fromString("01020304-0506-0708-1011-121314151617"),
                new Point(-1, 2), null, new Point(7, 8), Color.RED, new short[] {-1, 0, 0, 4}, 3, new int[] {1, -2, 3}), back);
        List<Pointer> freed = new ArrayList<>();
        NdrCodec.freePointees(SubsetTypes.RECORD, made, 0, null, p -> {
            freed.add(p);
            free.invokeVoid(new Object[] {p});
        });
        assertEquals(3, freed.size(), "name, ansi and required: the non-null pointees");
        free.invokeVoid(new Object[] {made});
        Pointer list = lib.getFunction("make_list").invokePointer(new Object[] {5});
        Node n = NdrCodec.read(NdrType.pointer(SubsetTypes.NODE, true), new Memory(8) {
            {
                setPointer(0, list);
            }
        }, 0, null);
        assertEquals(SubsetTypes.list(1, 5), n);
        NdrCodec.freePointees(SubsetTypes.NODE, list, 0, null, p -> free.invokeVoid(new Object[] {p}));
        free.invokeVoid(new Object[] {list});
        assertEquals(3 + 1 + 4 + 1, frees.invokeInt(new Object[0]), "every block C allocated, once");
        assertNull(NdrCodec.read(NdrType.pointer(SubsetTypes.NODE, true), new Memory(8) {
            {
                clear();
            }
        }, 0, null));
    }
}
