package dev.winrpc.async.idl;

import dev.winrpc.async.idl.IdlType.ConformantArray;
import dev.winrpc.async.idl.IdlType.EnumType;
import dev.winrpc.async.idl.IdlType.FixedArray;
import dev.winrpc.async.idl.IdlType.Pipe;
import dev.winrpc.async.idl.IdlType.Pointer;
import dev.winrpc.async.idl.IdlType.PointerKind;
import dev.winrpc.async.idl.IdlType.Primitive;
import dev.winrpc.async.idl.IdlType.Ref;
import dev.winrpc.async.idl.IdlType.StringType;
import dev.winrpc.async.idl.IdlType.StructType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The rules a parsed model must follow: explicit handle_t binding first, [out] through
 * [ref] pointers, size_is and length_is naming a real integer parameter or field, pipes only as
 * parameters by [ref] pointer, pipe elements free of pointers, no void pointers, conformant
 * array fields last, no struct containing itself. Collects every diagnostic.
 */
final class Checker {

    private final IdlModel model;
    private final List<Diagnostic> out = new ArrayList<>();

    private Checker(IdlModel model) {
        this.model = model;
    }

    /**
     * C's keywords (C11) that the IDL grammar leaves usable as names: MIDL refuses them, and a
     * generated C header could not declare them.
     */
    private static final Set<String> C_KEYWORDS = Set.of("auto", "break", "case", "continue", "default",
            "do", "else", "extern", "for", "goto", "if", "inline", "register", "restrict", "return",
            "sizeof", "static", "switch", "volatile", "while", "_Alignas", "_Alignof", "_Atomic", "_Bool",
            "_Complex", "_Generic", "_Imaginary", "_Noreturn", "_Static_assert", "_Thread_local");

    static void check(IdlModel model) throws IdlException {
        Checker c = new Checker(model);
        for (TypeDecl d : model.types().values()) {
            if (!d.fromPrelude()) {
                c.declaration(d);
                c.names(d);
            }
        }
        for (Constant k : model.constants()) {
            c.name(k.name(), k.at());
        }
        for (IdlInterface i : model.interfaces()) {
            for (Operation op : i.operations()) {
                c.name(op.name(), op.at());
                for (Param p : op.params()) {
                    c.name(p.name(), p.at());
                }
                c.operation(op);
            }
            c.bulkNames(i);
        }
        if (!c.out.isEmpty()) {
            throw new IdlException(c.out);
        }
    }

    /**
     * The generated client of an interface with pipes has {@code <op>Bulk} for each operation
     * with a pipe, and its bulk server interface {@code chunkElements}: no operation's Java
     * method may have either name.
     */
    private void bulkNames(IdlInterface i) {
        java.util.Map<String, Operation> bulk = new java.util.HashMap<>();
        for (Operation op : i.operations()) {
            if (op.params().stream().anyMatch(p -> p.type() instanceof Pointer ptr && resolve(ptr.target()) instanceof Pipe)) {
                bulk.put(JavaStubParams.bulkMethod(op), op);
            }
        }
        for (Operation op : i.operations()) {
            String m = JavaStubParams.method(op);
            Operation other = bulk.get(m);
            if (other != null) {
                error(op.at(), op.name(), "operation " + op.name() + "'s Java method would be " + m + ", the generated client's"
                        + " bulk method of operation " + other.name() + " (which has a pipe): rename one of them");
            } else if (!bulk.isEmpty() && m.equals("chunkElements")) {
                error(op.at(), op.name(), "operation " + op.name() + "'s Java method would be chunkElements, which the bulk "
                        + "server interface of " + i.name() + " (an interface with pipes) declares itself: rename it");
            }
        }
    }

    private void names(TypeDecl d) {
        name(d.name().startsWith("struct ") || d.name().startsWith("enum ")
                ? d.name().substring(d.name().indexOf(' ') + 1) : d.name(), d.at());
        if (d.type() instanceof StructType s) {
            for (Field f : s.fields()) {
                name(f.name(), f.at());
            }
        } else if (d.type() instanceof EnumType e) {
            for (IdlType.EnumValue v : e.values()) {
                name(v.name(), d.at());
            }
        }
    }

    private void name(String name, Location at) {
        if (C_KEYWORDS.contains(name)) {
            error(at, name, "'" + name + "' is a C keyword: MIDL refuses it as a name, and C could not declare it");
        }
    }

    private void error(Location at, String construct, String message) {
        out.add(new Diagnostic(at, construct, message));
    }

    private IdlType resolve(IdlType t) {
        return model.resolve(t);
    }

    private void declaration(TypeDecl d) {
        IdlType t = d.type();
        if (t instanceof Pipe p) {
            IdlType e = resolve(p.element());
            if (!(e instanceof Primitive pr && pr != Primitive.HANDLE && pr != Primitive.VOID) && !(e instanceof StructType)) {
                error(d.at(), "pipe", d.name() + ": a pipe's element is a base type or a struct");
            } else if (e instanceof StructType s && hasPointer(s, new HashSet<>())) {
                error(d.at(), "pipe", d.name() + ": a pipe's element struct " + s.tag() + " must not contain pointers, strings or conformant arrays");
            }
            return;
        }
        if (t instanceof StructType s) {
            for (int k = 0; k < s.fields().size(); k++) {
                Field f = s.fields().get(k);
                usable(f.type(), f.at(), f.name(), false);
                if (f.type() instanceof ConformantArray && k != s.fields().size() - 1) {
                    error(f.at(), "size_is", f.name() + ": a conformant array field must be the struct's last field");
                }
                sizes(f.type(), f.at(), f.name(), name -> fieldType(s, name), null, true);
            }
            if (embeds(s, s, new HashSet<>())) {
                error(d.at(), d.name(), "a struct cannot contain itself (only a pointer to itself)");
            }
            return;
        }
        if (!(t instanceof Ref) && !(t instanceof EnumType)) {
            usable(t, d.at(), d.name(), true);
        }
    }

    private IdlType fieldType(StructType s, String name) {
        return s.fields().stream().filter(f -> f.name().equals(name)).map(Field::type).findFirst().orElse(null);
    }

    /** Refuses void and handle_t where data goes, and pipes other than as a parameter's target. */
    private void usable(IdlType t, Location at, String name, boolean handleOk) {
        IdlType r = resolve(t);
        if (t instanceof Pointer p) {
            usable(p.target(), at, name, false);
        } else if (t instanceof FixedArray a) {
            usable(a.element(), at, name, false);
        } else if (t instanceof ConformantArray a) {
            usable(a.element(), at, name, false);
        } else if (r == Primitive.VOID) {
            error(at, "void", name + ": void is only an operation's return type"
                    + " (void pointers and context handles are outside the subset)");
        } else if (r == Primitive.HANDLE && !handleOk) {
            error(at, "handle_t", name + ": handle_t is only an operation's first parameter");
        } else if (r instanceof Pipe) {
            error(at, "pipe", name + ": a pipe is only the target of a parameter's pointer");
        }
    }

    private void operation(Operation op) {
        IdlType ret = resolve(op.returnType());
        if (!(ret instanceof Primitive p && p != Primitive.HANDLE) && !(ret instanceof EnumType)) {
            error(op.at(), op.name(), "an operation returns void, a base type or an enum");
        }
        if (op.params().isEmpty() || resolve(op.params().get(0).type()) != Primitive.HANDLE) {
            error(op.at(), "handle_t", op.name() + ": binding is explicit in the subset: the first parameter must be [in] handle_t"
                    + " (implicit and auto handles are outside it)");
        } else if (op.params().get(0).direction() != Param.Direction.IN) {
            error(op.params().get(0).at(), "handle_t", op.name() + ": the binding handle is [in]");
        }
        Set<String> names = new HashSet<>();
        for (int k = 0; k < op.params().size(); k++) {
            Param p = op.params().get(k);
            if (!names.add(p.name())) {
                error(p.at(), p.name(), "duplicate parameter of " + op.name());
            }
            if (k == 0 && resolve(p.type()) == Primitive.HANDLE) {
                continue;
            }
            param(op, p);
        }
    }

    private void param(Operation op, Param p) {
        IdlType t = p.type();
        boolean pipe = t instanceof Pointer ptr && resolve(ptr.target()) instanceof Pipe;
        if (resolve(t) instanceof Pipe) {
            error(p.at(), "pipe", p.name() + ": a pipe parameter is passed by pointer ([in] T *p, [out] T *p)");
        } else if (pipe) {
            if (((Pointer) t).kind() != PointerKind.REF) {
                error(p.at(), "pipe", p.name() + ": a pipe parameter's pointer is [ref]");
            }
        } else {
            usable(t, p.at(), p.name(), false);
        }
        if (p.direction().out()) {
            IdlType r = resolve(t);
            if (!(r instanceof Pointer) && !(r instanceof StringType) && !(t instanceof ConformantArray) && !(t instanceof FixedArray)) {
                error(p.at(), "out", p.name() + ": an [out] parameter must be a pointer (or an array)");
            } else if (p.direction() == Param.Direction.OUT && r instanceof StringType) {
                error(p.at(), "out", p.name() + ": an [out]-only [string] needs a pointer to it ([out, string] wchar_t **p)"
                        + " or [in, out]");
            } else if (p.direction() == Param.Direction.OUT && r instanceof Pointer ptr && ptr.kind() == PointerKind.UNIQUE) {
                error(p.at(), "unique", p.name() + ": an [out]-only parameter's pointer is [ref], never [unique]");
            }
        }
        sizes(t, p.at(), p.name(), n -> op.params().stream().filter(q -> q.name().equals(n)).map(Param::type)
                .findFirst().orElse(null), n -> op.params().stream().filter(q -> q.name().equals(n)).map(Param::direction)
                .findFirst().orElse(null), p.direction().in());
    }

    /** Checks every size_is/length_is in t: the name exists, is not t's own, and is an integer. */
    private void sizes(IdlType t, Location at, String owner, Function<String, IdlType> lookup,
            Function<String, Param.Direction> direction, boolean ownerIn) {
        if (t instanceof Pointer p) {
            sizes(p.target(), at, owner, lookup, direction, ownerIn);
        } else if (t instanceof ConformantArray a) {
            size(a.sizeIs(), "size_is", at, owner, lookup, direction, true);
            if (a.lengthIs() != null) {
                size(a.lengthIs(), "length_is", at, owner, lookup, direction, ownerIn);
            }
            nested(a.element(), at, owner);
        } else if (t instanceof FixedArray a) {
            if (a.lengthIs() != null) {
                size(a.lengthIs(), "length_is", at, owner, lookup, direction, ownerIn);
            }
            nested(a.element(), at, owner);
        }
    }

    private void nested(IdlType element, Location at, String owner) {
        if (element instanceof Pointer p && (p.target() instanceof ConformantArray)) {
            error(at, "size_is", owner + ": a sized array inside an array is outside the subset");
        }
    }

    private void size(SizeExpr e, String attr, Location at, String owner, Function<String, IdlType> lookup,
            Function<String, Param.Direction> direction, boolean mustBeIn) {
        IdlType named = lookup.apply(e.name());
        if (named == null) {
            error(at, attr, owner + ": " + attr + "(" + e + ") names no " + (direction == null ? "field of the struct" : "parameter"));
            return;
        }
        if (e.name().equals(owner)) {
            error(at, attr, owner + ": " + attr + " names the array itself");
            return;
        }
        if (direction != null && mustBeIn && !direction.apply(e.name()).in()) {
            error(at, attr, owner + ": " + attr + "(" + e + ") names an [out]-only parameter; it must be [in] or [in, out]");
        }
        IdlType r = resolve(named);
        if (e.deref()) {
            if (direction == null) {
                error(at, attr, owner + ": " + attr + "(" + e + "): a dereference in a field's size is outside the subset");
                return;
            }
            r = r instanceof Pointer p ? resolve(p.target()) : null;
        }
        if (!(r instanceof Primitive p && p.integral() && p != Primitive.ERROR_STATUS)) {
            error(at, attr, owner + ": " + attr + "(" + e + ") must name an integer" + (e.deref() ? " pointer" : "")
                    + (direction == null ? " field" : " parameter"));
        }
    }

    private boolean hasPointer(StructType s, Set<String> seen) {
        if (!seen.add(s.tag())) {
            return false;
        }
        for (Field f : s.fields()) {
            IdlType t = f.type();
            while (t instanceof FixedArray a) {
                t = a.element();
            }
            IdlType r = resolve(t);
            if (r instanceof Pointer || r instanceof StringType || r instanceof ConformantArray || t instanceof ConformantArray
                    || (r instanceof StructType inner && hasPointer(inner, seen))) {
                return true;
            }
        }
        return false;
    }

    /** True if s holds target by value (directly, in a fixed array, or in a struct it holds). */
    private boolean embeds(StructType s, StructType target, Set<String> seen) {
        if (!seen.add(s.tag())) {
            return false;
        }
        for (Field f : s.fields()) {
            IdlType t = f.type();
            while (t instanceof FixedArray || t instanceof ConformantArray) {
                t = t instanceof FixedArray a ? a.element() : ((ConformantArray) t).element();
            }
            if (resolve(t) instanceof StructType inner && (inner.tag().equals(target.tag()) || embeds(inner, target, seen))) {
                return true;
            }
        }
        return false;
    }
}
