package dev.winrpc.async.stub;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Hand-built descriptors of src/test/resources/idl/subset.idl's types, with Java records in
 * the shapes the IDL compiler generates for them (JavaTypes), for the codec's tests.
 */
final class SubsetTypes {

    private SubsetTypes() {
    }

    enum Color {
        RED(1), GREEN(2), BLUE(8);

        final int value;

        Color(int value) {
            this.value = value;
        }

        static Color of(int v) {
            for (Color c : values()) {
                if (c.value == v) {
                    return c;
                }
            }
            throw new IllegalArgumentException("no Color has the value " + v);
        }
    }

    record Point(int x, int y) {
    }

    record Sample(long when, double value, Color color, byte[] tag) {
    }

    record Node(int value, Node next) {
    }

    record Rec(String name, String ansi, String alias, UUID id, Point corner, Point optional, Point required, Color shape,
            short[] flags, int count, int[] values) {
    }

    record Blob(int cb, byte[] data, List<String> labels, List<String> required) {
    }

    static final NdrType<Color> COLOR = NdrType.enum32("COLOR", c -> c.value, Color::of);

    static final NdrType<Point> POINT = NdrType.struct("POINT", List.of(
            NdrField.<Point>of("x", NdrType.INT32, Point::x),
            NdrField.<Point>of("y", NdrType.INT32, Point::y)),
            v -> new Point((Integer) v[0], (Integer) v[1]));

    static final NdrType<Sample> SAMPLE = NdrType.struct("SAMPLE", List.of(
            NdrField.<Sample>of("when", NdrType.INT64, Sample::when),
            NdrField.<Sample>of("value", NdrType.DOUBLE, Sample::value),
            NdrField.<Sample>of("color", COLOR, Sample::color),
            NdrField.<Sample>of("tag", NdrType.fixedArray(NdrType.UINT8, 4), Sample::tag)),
            v -> new Sample((Long) v[0], (Double) v[1], (Color) v[2], (byte[]) v[3]));

    static final NdrType<Node> NODE = NdrType.struct("NODE", List.of(
            NdrField.<Node>of("value", NdrType.INT32, Node::value),
            NdrField.<Node>of("next", NdrType.pointer(NdrType.lazy("NODE", () -> SubsetTypes.NODE), true), Node::next)),
            v -> new Node((Integer) v[0], (Node) v[1]));

    static final NdrType<Rec> RECORD = NdrType.struct("RECORD", List.of(
            NdrField.<Rec>of("name", NdrType.wideString(true), Rec::name),
            NdrField.<Rec>of("ansi", NdrType.ansiString(true), Rec::ansi),
            NdrField.<Rec>of("alias", NdrType.wideString(true), Rec::alias),
            NdrField.<Rec>of("id", NdrType.GUID, Rec::id),
            NdrField.<Rec>of("corner", POINT, Rec::corner),
            NdrField.<Rec>of("optional", NdrType.pointer(POINT, true), Rec::optional),
            NdrField.<Rec>of("required", NdrType.pointer(POINT, false), Rec::required),
            NdrField.<Rec>of("shape", COLOR, Rec::shape),
            NdrField.<Rec>of("flags", NdrType.fixedArray(NdrType.UINT16, 4), Rec::flags),
            NdrField.<Rec>of("count", NdrType.UINT32, Rec::count),
            NdrField.<Rec>of("values", NdrType.conformantArray(NdrType.INT32,
                    v -> Integer.toUnsignedLong((Integer) v[9]), null, false), Rec::values)),
            v -> new Rec((String) v[0], (String) v[1], (String) v[2], (UUID) v[3], (Point) v[4], (Point) v[5],
                    (Point) v[6], (Color) v[7], (short[]) v[8], (Integer) v[9], (int[]) v[10]));

    @SuppressWarnings("unchecked")
    static final NdrType<Blob> BLOB = NdrType.struct("BLOB", List.of(
            NdrField.<Blob>of("cb", NdrType.UINT32, Blob::cb),
            NdrField.<Blob>of("data", NdrType.pointer(NdrType.conformantArray(NdrType.UINT8,
                    v -> Integer.toUnsignedLong((Integer) v[0]), null, false), true), Blob::data),
            NdrField.<Blob>of("labels", NdrType.fixedArray(NdrType.wideString(true), 2), Blob::labels),
            NdrField.<Blob>of("required", NdrType.fixedArray(NdrType.wideString(false), 1), Blob::required)),
            v -> new Blob((Integer) v[0], (byte[]) v[1], (List<String>) v[2], (List<String>) v[3]));

    /** A list of n nodes, values first..first+n-1. */
    static Node list(int first, int n) {
        Node head = null;
        for (int i = n - 1; i >= 0; i--) {
            head = new Node(first + i, head);
        }
        return head;
    }

    /** An allocator over an NdrMemory that remembers every block it gave. */
    static final class Counting implements NdrAllocator {
        final NdrMemory memory = new NdrMemory();
        final List<Pointer> blocks = new ArrayList<>();

        @Override
        public Pointer allocate(long size) {
            Pointer p = memory.allocate(size);
            blocks.add(p);
            return p;
        }
    }
}
