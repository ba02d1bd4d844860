package dev.winrpc.async.stub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Pointer;
import dev.winrpc.async.stub.SubsetTypes.Blob;
import dev.winrpc.async.stub.SubsetTypes.Color;
import dev.winrpc.async.stub.SubsetTypes.Counting;
import dev.winrpc.async.stub.SubsetTypes.Point;
import dev.winrpc.async.stub.SubsetTypes.Rec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * For random values of subset.idl's struct shapes (strings of any UTF-16 without NUL, null
 * [unique] members, conformant arrays of random size, nested pointers, lists of nodes), a write
 * and a read give back an equal value, and freePointees frees exactly the blocks the write
 * allocated.
 */
class NdrCodecProperties {

    private static Arbitrary<String> wide() {
        return Arbitraries.strings().withCharRange('\u0001', '\uffff').ofMaxLength(20);
    }

    private static Arbitrary<String> ansi() {
        return Arbitraries.strings().withCharRange('\u0001', '\u00ff').ofMaxLength(20);
    }

    private static Arbitrary<Point> points() {
        return Combinators.combine(Arbitraries.integers(), Arbitraries.integers()).as(Point::new);
    }

    @Provide
    Arbitrary<Rec> records() {
        Arbitrary<int[]> values = Arbitraries.integers().array(int[].class).ofMaxSize(40);
        Arbitrary<short[]> flags = Arbitraries.shorts().array(short[].class).ofSize(4);
        Arbitrary<Object[]> strings = Combinators.combine(wide().injectNull(0.3), ansi().injectNull(0.3), wide().injectNull(0.3))
                .as((a, b, c) -> new Object[] {a, b, c});
        return Combinators.combine(strings, Arbitraries.randomValue(r -> new UUID(r.nextLong(), r.nextLong())), points(),
                points().injectNull(0.5), points(), Arbitraries.of(Color.class), flags, values)
                .as((s, id, corner, optional, required, shape, f, v) -> new Rec((String) s[0], (String) s[1], (String) s[2], id,
                        corner, optional, required, shape, f, v.length, v));
    }

    @Provide
    Arbitrary<Blob> blobs() {
        Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(64).injectNull(0.2);
        return Combinators.combine(data, wide().injectNull(0.3).list().ofSize(2), wide().list().ofSize(1))
                .as((d, labels, required) -> new Blob(d == null ? 0 : d.length, d, labels, required));
    }

    @Property(tries = 200)
    void recordsRoundTripAndFreeExactly(@ForAll("records") Rec r) {
        check(NdrType.pointer(SubsetTypes.RECORD, true), r);
    }

    @Property(tries = 200)
    void blobsRoundTripAndFreeExactly(@ForAll("blobs") Blob b) {
        check(SubsetTypes.BLOB, b);
    }

    @Property(tries = 50)
    void nodeListsRoundTripAndFreeExactly(@ForAll("lists") SubsetTypes.Node n) {
        check(SubsetTypes.NODE, n);
    }

    @Provide
    Arbitrary<SubsetTypes.Node> lists() {
        return Combinators.combine(Arbitraries.integers(), Arbitraries.integers().between(1, 200)).as(SubsetTypes::list);
    }

    private static <T> void check(NdrType<T> type, T value) {
        Counting c = new Counting();
        try (c.memory) {
            Pointer p = c.allocate(NdrCodec.blockSize(type, value, null));
            NdrCodec.write(type, value, p, 0, null, c);
            NdrCodecTest.assertDeepEquals(value, NdrCodec.read(type, p, 0, null));
            List<Pointer> freed = new ArrayList<>();
            NdrCodec.freePointees(type, p, 0, null, freed::add);
            List<Pointer> allocated = new ArrayList<>(c.blocks.subList(1, c.blocks.size()));
            assertEquals(allocated.size(), freed.size());
            assertEquals(new HashSet<>(allocated), new HashSet<>(freed));
        }
    }
}
