package dev.winrpc.async.idl;

import java.util.List;
import java.util.Objects;

/**
 * A type of the model. Declared types are referred to by name ({@link Ref}) and defined once in
 * {@link IdlModel#types()}, so that a struct may point to itself; everything else is built
 * inline.
 */
public sealed interface IdlType {

    /** The base types of the subset, with their wire sizes. */
    enum Primitive implements IdlType {
        /** {@code small}: signed 8-bit. */
        SMALL("small", 1, true),
        /** {@code unsigned small}: unsigned 8-bit. */
        UNSIGNED_SMALL("unsigned small", 1, true),
        /** {@code short}: signed 16-bit. */
        SHORT("short", 2, true),
        /** {@code unsigned short}. */
        UNSIGNED_SHORT("unsigned short", 2, true),
        /** {@code long} and {@code int}: signed 32-bit. */
        LONG("long", 4, true),
        /** {@code unsigned long} and {@code unsigned int}. */
        UNSIGNED_LONG("unsigned long", 4, true),
        /** {@code hyper} and {@code __int64}: signed 64-bit. */
        HYPER("hyper", 8, true),
        /** {@code unsigned hyper}. */
        UNSIGNED_HYPER("unsigned hyper", 8, true),
        /** {@code char}: an 8-bit character (unsigned on the wire). */
        CHAR("char", 1, true),
        /** {@code byte}: 8 bits, never converted. */
        BYTE("byte", 1, true),
        /** {@code boolean}: 8 bits, zero or not. */
        BOOLEAN("boolean", 1, false),
        /** {@code wchar_t}: a UTF-16 code unit. */
        WCHAR("wchar_t", 2, true),
        /** {@code float}. */
        FLOAT("float", 4, false),
        /** {@code double}. */
        DOUBLE("double", 8, false),
        /** {@code error_status_t}: an unsigned 32-bit status. */
        ERROR_STATUS("error_status_t", 4, true),
        /** {@code handle_t}: a primitive binding handle (never marshalled). */
        HANDLE("handle_t", 0, false),
        /** {@code void}: only as an operation's return type. */
        VOID("void", 0, false);

        private final String idl;
        private final int size;
        private final boolean integral;

        Primitive(String idl, int size, boolean integral) {
            this.idl = idl;
            this.size = size;
            this.integral = integral;
        }

        /** {@return how the IDL spells it} */
        public String idlName() {
            return idl;
        }

        /** {@return its size on the wire in bytes (0 for handle_t and void)} */
        public int size() {
            return size;
        }

        /** {@return true for the integer types (and characters), which can size an array} */
        public boolean integral() {
            return integral;
        }
    }

    /** How a pointer may be null. */
    enum PointerKind {
        /** {@code [ref]}: never null, no aliasing. */
        REF,
        /** {@code [unique]}: may be null, no aliasing. */
        UNIQUE
    }

    /**
     * A declared type, by the key it has in {@link IdlModel#types()}: a typedef's name, or
     * {@code struct TAG} / {@code enum TAG}.
     *
     * @param name the key
     */
    record Ref(String name) implements IdlType {
        /**
         * Checks the name.
         *
         * @param name the key
         */
        public Ref {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * A pointer (not a string, see {@link StringType}).
     *
     * @param target what it points to
     * @param kind ref or unique
     */
    record Pointer(IdlType target, PointerKind kind) implements IdlType {
        /**
         * Checks the parts.
         *
         * @param target what it points to
         * @param kind ref or unique
         */
        public Pointer {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(kind, "kind");
        }
    }

    /**
     * A {@code [string]} pointer to {@code char} or {@code wchar_t}: a NUL-terminated string.
     *
     * @param character {@link Primitive#CHAR} or {@link Primitive#WCHAR}
     * @param kind ref or unique
     */
    record StringType(Primitive character, PointerKind kind) implements IdlType {
        /**
         * Checks the parts.
         *
         * @param character char or wchar_t
         * @param kind ref or unique
         */
        public StringType {
            if (character != Primitive.CHAR && character != Primitive.WCHAR) {
                throw new IllegalArgumentException("a [string] is of char or wchar_t: " + character);
            }
            Objects.requireNonNull(kind, "kind");
        }
    }

    /**
     * A fixed array {@code T a[N]}, varying if {@code length_is} is given.
     *
     * @param element the element type
     * @param length N
     * @param lengthIs how many elements are transmitted, or null for all
     */
    record FixedArray(IdlType element, long length, SizeExpr lengthIs) implements IdlType {
        /**
         * Checks the parts.
         *
         * @param element the element type
         * @param length N, at least 1
         * @param lengthIs length_is, or null
         */
        public FixedArray {
            Objects.requireNonNull(element, "element");
            if (length < 1) {
                throw new IllegalArgumentException("a fixed array has at least one element: " + length);
            }
        }
    }

    /**
     * A conformant array: {@code [size_is(n)] T a[]} or the array a {@code [size_is(n)] T *p}
     * points to (then the model has a {@link Pointer} to it).
     *
     * @param element the element type
     * @param sizeIs how many elements the array has
     * @param lengthIs how many are transmitted, or null for all of them
     */
    record ConformantArray(IdlType element, SizeExpr sizeIs, SizeExpr lengthIs) implements IdlType {
        /**
         * Checks the parts.
         *
         * @param element the element type
         * @param sizeIs size_is
         * @param lengthIs length_is, or null
         */
        public ConformantArray {
            Objects.requireNonNull(element, "element");
            Objects.requireNonNull(sizeIs, "sizeIs");
        }
    }

    /**
     * A {@code pipe} of a base type or a struct.
     *
     * @param element the element type
     */
    record Pipe(IdlType element) implements IdlType {
        /**
         * Checks the element.
         *
         * @param element the element type
         */
        public Pipe {
            Objects.requireNonNull(element, "element");
        }
    }

    /**
     * A struct's definition.
     *
     * @param tag its tag, or for an anonymous struct the first name a typedef gave it
     * @param fields its fields, in order
     */
    record StructType(String tag, List<Field> fields) implements IdlType {
        /**
         * Copies the fields.
         *
         * @param tag the tag
         * @param fields the fields
         */
        public StructType {
            Objects.requireNonNull(tag, "tag");
            fields = List.copyOf(fields);
        }
    }

    /**
     * An enum's definition.
     *
     * @param tag its tag, or for an anonymous enum the first name a typedef gave it
     * @param values its values, in order
     * @param v1 true with {@code [v1_enum]} (32 bits on the wire instead of 16)
     */
    record EnumType(String tag, List<EnumValue> values, boolean v1) implements IdlType {
        /**
         * Copies the values.
         *
         * @param tag the tag
         * @param values the values
         * @param v1 v1_enum
         */
        public EnumType {
            Objects.requireNonNull(tag, "tag");
            values = List.copyOf(values);
        }
    }

    /**
     * One value of an enum.
     *
     * @param name its name
     * @param value its value
     */
    record EnumValue(String name, long value) {
        /**
         * Checks the name.
         *
         * @param name its name
         * @param value its value
         */
        public EnumValue {
            Objects.requireNonNull(name, "name");
        }
    }
}
