package dev.winrpc.async.idl;

import dev.winrpc.async.idl.IdlType.ConformantArray;
import dev.winrpc.async.idl.IdlType.FixedArray;
import dev.winrpc.async.idl.IdlType.Pointer;
import dev.winrpc.async.idl.IdlType.PointerKind;
import dev.winrpc.async.idl.IdlType.Primitive;
import dev.winrpc.async.idl.IdlType.StringType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Applies a declarator ({@code **name[N]}) and its attributes ({@code [ref]}, {@code [unique]},
 * {@code [string]}, {@code size_is}, {@code length_is}) to a base type.
 */
final class TypeBuilder {

    private TypeBuilder() {
    }

    /** Where a declarator stands, which decides its top-level pointer's default. */
    enum Place {
        /** A parameter: a top-level pointer is [ref] unless the IDL says otherwise. */
        PARAM,
        /** A field: pointer_default. */
        FIELD,
        /** A typedef: pointer_default. */
        TYPEDEF
    }

    /**
     * One array dimension as written: {@code []} or {@code [*]} (conformant, expr null) or
     * {@code [N]}.
     *
     * @param expr N's tokens, or null
     * @param at where '[' is
     */
    record Dim(List<Token> expr, Location at) {
    }

    static IdlType build(IdlType base, int pointers, List<Dim> dims, Map<String, Attr> attrs, Place place,
            PointerKind pointerDefault, Map<String, Object> names, UnaryOperator<IdlType> resolve, Set<String> explicitKind,
            Location at, String name) throws IdlException {
        Attr ref = attrs.get("ref");
        Attr unique = attrs.get("unique");
        Attr string = attrs.get("string");
        Attr sizeIs = attrs.get("size_is");
        Attr lengthIs = attrs.get("length_is");
        if (ref != null && unique != null) {
            throw new IdlException(unique.at(), "unique", name + " cannot be both [ref] and [unique]");
        }
        Attr kindAttr = ref != null ? ref : unique;
        PointerKind top = ref != null ? PointerKind.REF : unique != null ? PointerKind.UNIQUE
                : place == Place.PARAM ? PointerKind.REF : pointerDefault;
        SizeExpr size = sizeIs == null ? null : Exprs.size(sizeIs);
        SizeExpr length = lengthIs == null ? null : Exprs.size(lengthIs);
        if (dims.size() > 1) {
            throw new IdlException(dims.get(1).at(), "array", name + ": multi-dimensional arrays are outside the subset");
        }
        if (!dims.isEmpty()) {
            Dim d = dims.get(0);
            if (string != null) {
                throw new IdlException(string.at(), "string", name + ": [string] arrays are outside the subset (use a [string] pointer)");
            }
            IdlType resolvedBase = resolve.apply(base);
            if (kindAttr != null && pointers == 0 && place != Place.PARAM) {
                // an array of pointer typedefs: the attribute applies to its elements
                if (resolvedBase instanceof StringType s) {
                    base = new StringType(s.character(), top);
                } else if (resolvedBase instanceof Pointer p) {
                    base = new Pointer(p.target(), top);
                } else {
                    throw new IdlException(kindAttr.at(), kindAttr.name(), name + " is an array, not a pointer");
                }
            }
            // a parameter's array is passed by reference: [ref] or [unique] applies to it
            boolean byPointer = kindAttr != null && pointers == 0;
            IdlType element = pointers(base, pointers, kindAttr != null && !byPointer ? top : pointerDefault, pointerDefault);
            if (d.expr() == null) {
                if (size == null) {
                    throw new IdlException(d.at(), "array", name + ": a conformant array [] needs size_is");
                }
                IdlType a = new ConformantArray(element, size, length);
                return byPointer ? new Pointer(a, top) : a;
            }
            if (size != null) {
                throw new IdlException(sizeIs.at(), "size_is", name + " is a fixed array: size_is belongs to a conformant array []");
            }
            long n = Exprs.integer(d.expr(), names, "array");
            if (n < 1 || n > Integer.MAX_VALUE) {
                throw new IdlException(d.at(), "array", name + ": a fixed array's size must be from 1 to 2^31-1, not " + n);
            }
            IdlType a = new FixedArray(element, n, length);
            return byPointer ? new Pointer(a, top) : a;
        }
        if (pointers == 0) {
            IdlType resolved = resolve.apply(base);
            if (place == Place.PARAM && kindAttr == null && base instanceof IdlType.Ref r && !explicitKind.contains(r.name())) {
                // a parameter's top-level pointer is [ref] through a typedef too, unless the typedef says otherwise
                if (resolved instanceof StringType s && size == null && length == null) {
                    return new StringType(s.character(), PointerKind.REF);
                }
                if (resolved instanceof Pointer p && size == null) {
                    return new Pointer(p.target(), PointerKind.REF);
                }
            }
            if (string != null && !(resolved instanceof StringType)) {
                throw new IdlException(string.at(), "string", name + ": [string] applies to a char or wchar_t pointer");
            }
            if (resolved instanceof Pointer p && (size != null || kindAttr != null)) {
                if (size != null) {
                    return new Pointer(new ConformantArray(p.target(), size, length), kindAttr == null ? p.kind() : top);
                }
                return new Pointer(p.target(), top);
            }
            if (resolved instanceof StringType s && kindAttr != null && size == null && length == null) {
                return new StringType(s.character(), top);
            }
            Attr bad = kindAttr != null ? kindAttr : sizeIs != null ? sizeIs : lengthIs;
            if (bad != null) {
                throw new IdlException(bad.at(), bad.name(), name + " is neither a pointer nor an array");
            }
            return base;
        }
        if (string != null) {
            if (size != null || length != null) {
                Attr a = sizeIs != null ? sizeIs : lengthIs;
                throw new IdlException(a.at(), a.name(), name + ": a [string] with size_is or length_is is outside the subset");
            }
            IdlType c = resolve.apply(base);
            if (c != Primitive.CHAR && c != Primitive.WCHAR) {
                throw new IdlException(string.at(), "string", name + ": [string] applies to char or wchar_t pointers only");
            }
            IdlType s = new StringType((Primitive) c, pointers == 1 ? top : pointerDefault);
            return pointers(s, pointers - 1, top, pointerDefault);
        }
        if (size != null || length != null) {
            if (size == null) {
                throw new IdlException(lengthIs.at(), "length_is", name + ": length_is on a pointer needs size_is");
            }
            IdlType element = pointers(base, pointers - 1, pointerDefault, pointerDefault);
            return new Pointer(new ConformantArray(element, size, length), top);
        }
        return pointers(base, pointers, top, pointerDefault);
    }

    /** Reads the array dimensions after a declarator's name. */
    static List<Dim> dims(Cursor c) throws IdlException {
        List<Dim> dims = new ArrayList<>();
        while (c.peek().is("[")) {
            Token open = c.next();
            if (c.accept("]")) {
                dims.add(new Dim(null, open.at()));
            } else if (c.peek().is("*") && c.peek(1).is("]")) {
                c.next();
                c.next();
                dims.add(new Dim(null, open.at()));
            } else {
                List<Token> e = new ArrayList<>();
                while (!c.peek().is("]")) {
                    if (c.peek().kind() == Token.Kind.EOF) {
                        throw new IdlException(open.at(), "array", "a '[' without its ']'");
                    }
                    e.add(c.next());
                }
                c.next();
                dims.add(new Dim(e, open.at()));
            }
        }
        return dims;
    }

    /** base with n pointer levels: the outermost of kind top, the others inner. */
    private static IdlType pointers(IdlType base, int n, PointerKind top, PointerKind inner) {
        IdlType t = base;
        for (int k = 0; k < n; k++) {
            t = new Pointer(t, k == n - 1 ? top : inner);
        }
        return t;
    }
}
