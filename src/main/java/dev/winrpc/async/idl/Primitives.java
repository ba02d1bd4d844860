package dev.winrpc.async.idl;

import dev.winrpc.async.idl.IdlType.Primitive;
import dev.winrpc.async.idl.IdlType.Ref;

/** Reads a base type ({@code unsigned long int}, {@code wchar_t}...) or a typedef name. */
final class Primitives {

    private Primitives() {
    }

    static IdlType parse(Cursor c, Parser.Scope scope) throws IdlException {
        boolean unsigned = false;
        boolean signed = false;
        if (c.accept("unsigned")) {
            unsigned = true;
        } else if (c.accept("signed")) {
            signed = true;
        }
        Token k = c.peek();
        String word = k.kind() == Token.Kind.IDENT ? k.text() : "";
        Primitive p = switch (word) {
            case "small" -> unsigned ? Primitive.UNSIGNED_SMALL : Primitive.SMALL;
            case "short" -> unsigned ? Primitive.UNSIGNED_SHORT : Primitive.SHORT;
            case "long", "int" -> unsigned ? Primitive.UNSIGNED_LONG : Primitive.LONG;
            case "hyper", "__int64" -> unsigned ? Primitive.UNSIGNED_HYPER : Primitive.HYPER;
            case "char" -> signed ? Primitive.SMALL : Primitive.CHAR;
            default -> null;
        };
        if (p != null) {
            c.next();
            if (word.equals("long") && c.peek().is("long")) {
                throw new IdlException(c.peek().at(), "long long", "outside the subset (use hyper or __int64)");
            }
            if (!word.equals("int") && !word.equals("char") && c.peek().is("int")) {
                c.next();
            }
            return p;
        }
        if (unsigned || signed) {
            // "unsigned" alone is "unsigned int", as in C ("unsigned n" declares n)
            c.accept("int");
            return unsigned ? Primitive.UNSIGNED_LONG : Primitive.LONG;
        }
        p = switch (word) {
            case "boolean" -> Primitive.BOOLEAN;
            case "byte" -> Primitive.BYTE;
            case "wchar_t" -> Primitive.WCHAR;
            case "float" -> Primitive.FLOAT;
            case "double" -> Primitive.DOUBLE;
            case "error_status_t" -> Primitive.ERROR_STATUS;
            case "handle_t" -> Primitive.HANDLE;
            case "void" -> Primitive.VOID;
            default -> null;
        };
        c.next();
        if (p != null) {
            return p;
        }
        if (scope.types.containsKey(word)) {
            return new Ref(word);
        }
        throw new IdlException(k.at(), word, "unknown type" + (scope.preludeLoaded ? ""
                : " (the Windows base types such as DWORD come with import \"wtypes.idl\";)"));
    }
}
