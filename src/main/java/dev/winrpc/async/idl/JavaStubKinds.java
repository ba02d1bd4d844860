package dev.winrpc.async.idl;

import dev.winrpc.async.idl.IdlType.ConformantArray;
import dev.winrpc.async.idl.IdlType.EnumType;
import dev.winrpc.async.idl.IdlType.FixedArray;
import dev.winrpc.async.idl.IdlType.Pipe;
import dev.winrpc.async.idl.IdlType.Pointer;
import dev.winrpc.async.idl.IdlType.Primitive;
import dev.winrpc.async.idl.IdlType.StringType;
import dev.winrpc.async.idl.IdlType.StructType;
import dev.winrpc.async.idl.JavaStubParams.Kind;
import dev.winrpc.async.idl.JavaStubParams.P;

/**
 * The parameter kinds that go through the marshalling runtime ({@code NdrClientArgs},
 * {@code NdrServerArgs}, {@code NdrPipes}): everything of the subset but the kinds
 * {@link JavaStubParams} passes as it always did (scalars, pipes of 32-bit integers, {@code [out]}
 * 32-bit integers), so that the fixture's generated API stays as it is.
 */
final class JavaStubKinds {

    private JavaStubKinds() {
    }

    /**
     * {@return how parameter p (at index in the operation's parameters) travels}
     *
     * @throws IdlException for a parameter the generated Java does not carry
     */
    static P classify(IdlModel model, IdlInterface itf, Operation op, Param p, int index, String name) throws IdlException {
        JavaNames names = new JavaNames(model);
        String ndr = JavaNdr.paramType(model, itf, op, p, JavaNdr.className(itf));
        boolean unique = JavaNdr.paramUnique(model, p);
        IdlType r = model.resolve(p.type());
        Param.Direction d = p.direction();
        if (r instanceof Pointer ptr && model.resolve(ptr.target()) instanceof Pipe pipe) {
            if (d == Param.Direction.IN_OUT) {
                throw refuse(op, p, "an [in, out] pipe");
            }
            String chunk = "java.util.List<" + names.javaType(pipe.element(), true) + ">";
            return new P(p, d == Param.Direction.IN ? Kind.PIPE_IN : Kind.PIPE_OUT, name, chunk, "ASYNC_PIPE *", ndr, false,
                    index, "Pointer", "dev.winrpc.async.stub.NdrPipes.codec(" + ndr + ")");
        }
        if (d == Param.Direction.IN) {
            if (r instanceof Primitive prim) {
                String jna = switch (prim) {
                    case BOOLEAN -> "byte";
                    case WCHAR -> "short";
                    default -> throw refuse(op, p, "a " + prim.idlName());
                };
                return value(p, name, names.javaType(p.type(), false), ndr, index, jna);
            }
            if (r instanceof EnumType) {
                return value(p, name, names.javaType(p.type(), false), ndr, index, "int");
            }
            if (r instanceof StructType) {
                String key = names.definitionKey(p.type());
                if (key == null || JavaNames.isGuid(key)) {
                    throw refuse(op, p, "a GUID or an unnamed struct by value");
                }
                return new P(p, Kind.STRUCT_VALUE, name, names.javaType(p.type(), false), "struct ", ndr, false, index,
                        JavaBinding.name(itf) + "." + JavaByValue.className(names.typeName(key)) + "Value", null);
            }
            if (r instanceof StringType) {
                return pointer(p, Kind.IN_STRING, name, "java.lang.String", ndr, unique, index);
            }
            if (array(model, r)) {
                return pointer(p, Kind.IN_ARRAY, name, names.javaType(arrayType(model, r), false), ndr, unique, index);
            }
            if (r instanceof Pointer ptr) {
                return pointer(p, Kind.IN_REF, name, names.javaType(ptr.target(), true), ndr, unique, index);
            }
        }
        if (d == Param.Direction.OUT) {
            if (array(model, r)) {
                return pointer(p, Kind.OUT_ARRAY, name, names.javaType(arrayType(model, r), false), ndr, false, index);
            }
            if (r instanceof Pointer ptr) {
                return pointer(p, Kind.OUT_REF, name, names.javaType(ptr.target(), true), ndr, false, index);
            }
        }
        if (d == Param.Direction.IN_OUT) {
            if (r instanceof StringType) {
                return pointer(p, Kind.INOUT_STRING, name, "java.lang.String", ndr, unique, index);
            }
            if (array(model, r)) {
                return pointer(p, Kind.INOUT_ARRAY, name, names.javaType(arrayType(model, r), false), ndr, unique, index);
            }
            if (r instanceof Pointer ptr && model.resolve(ptr.target()) instanceof StringType) {
                throw refuse(op, p, "an [in, out] pointer to a [string] pointer (an [in, out, string] pointer is carried)");
            }
            if (r instanceof Pointer ptr) {
                return pointer(p, Kind.INOUT_REF, name, names.javaType(ptr.target(), true), ndr, unique, index);
            }
        }
        throw refuse(op, p, "this form of parameter");
    }

    private static P value(Param p, String name, String javaType, String ndr, int index, String jna) {
        return new P(p, Kind.VALUE, name, javaType, jna + " ", ndr, false, index, jna, null);
    }

    private static P pointer(Param p, Kind kind, String name, String javaType, String ndr, boolean unique, int index) {
        return new P(p, kind, name, javaType, "void *", ndr, unique, index, "Pointer", null);
    }

    /** {@return true for an array parameter or a pointer to an array} */
    static boolean array(IdlModel model, IdlType r) {
        if (r instanceof Pointer ptr) {
            IdlType t = model.resolve(ptr.target());
            return t instanceof ConformantArray || t instanceof FixedArray;
        }
        return r instanceof ConformantArray || r instanceof FixedArray;
    }

    private static IdlType arrayType(IdlModel model, IdlType r) {
        return r instanceof Pointer ptr ? model.resolve(ptr.target()) : r;
    }

    private static IdlException refuse(Operation op, Param p, String what) {
        return new IdlException(p.at(), "parameter", "the generated Java cannot carry parameter '" + p.name()
                + "' of operation " + op.name() + ": " + what + " (docs/idl.md, \"The generated Java\": what it carries)");
    }
}
