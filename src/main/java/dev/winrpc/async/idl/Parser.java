package dev.winrpc.async.idl;

import dev.winrpc.async.idl.IdlType.EnumType;
import dev.winrpc.async.idl.IdlType.EnumValue;
import dev.winrpc.async.idl.IdlType.Pipe;
import dev.winrpc.async.idl.IdlType.PointerKind;
import dev.winrpc.async.idl.IdlType.Primitive;
import dev.winrpc.async.idl.IdlType.Ref;
import dev.winrpc.async.idl.IdlType.StringType;
import dev.winrpc.async.idl.IdlType.StructType;
import dev.winrpc.async.idl.TypeBuilder.Dim;
import dev.winrpc.async.idl.TypeBuilder.Place;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The IDL parser: declarations at file level and inside interfaces, resolved against what is
 * declared before them (the prelude included); the first error ends the parse.
 */
final class Parser extends Cursor {

    /** What every parse of one compilation shares: the prelude's and the file's declarations. */
    static final class Scope {
        final Map<String, TypeDecl> types = new LinkedHashMap<>();
        final List<Constant> constants = new ArrayList<>();
        final Map<String, Object> names = new HashMap<>();
        final List<IdlInterface> interfaces = new ArrayList<>();
        /** Typedefs declared with an explicit [ref] or [unique]. */
        final Set<String> explicitKind = new HashSet<>();
        boolean preludeLoaded;
    }

    private final Scope scope;
    private final boolean prelude;
    /** The structs whose bodies are being read: a field may point to them. */
    private final Set<String> defining = new HashSet<>();
    private PointerKind pointerDefault = PointerKind.UNIQUE;

    Parser(List<Token> tokens, Scope scope, boolean prelude) {
        super(tokens);
        this.scope = scope;
        this.prelude = prelude;
    }

    void file() throws IdlException {
        while (peek().kind() != Token.Kind.EOF) {
            Map<String, Attr> attrs = attributes();
            if (peek().is("interface")) {
                iface(attrs);
            } else if (!attrs.isEmpty()) {
                Attr a = attrs.values().iterator().next();
                throw new IdlException(a.at(), a.name(), "attributes at file level belong to an interface");
            } else {
                declaration(false);
            }
        }
    }

    /** A declaration allowed at file level and in an interface; false if it is not one. */
    private boolean declaration(boolean inInterface) throws IdlException {
        Token k = peek();
        switch (k.kind() == Token.Kind.IDENT || k.is(";") ? k.text() : "") {
            case ";" -> next();
            case "import" -> imports();
            case "cpp_quote" -> {
                next();
                expect("(", "cpp_quote");
                if (next().kind() != Token.Kind.STRING) {
                    throw new IdlException(k.at(), "cpp_quote", "takes one string");
                }
                expect(")", "cpp_quote");
                accept(";");
            }
            case "midl_pragma" -> {
                next();
                Token w = ident("midl_pragma");
                if (!w.text().equals("warning")) {
                    throw new IdlException(w.at(), "midl_pragma", "only midl_pragma warning(...) is accepted");
                }
                balanced(expect("(", "midl_pragma"), "midl_pragma");
                accept(";");
            }
            case "typedef" -> typedef();
            case "const" -> constant();
            case "struct", "enum" -> {
                typeSpec(false);
                if (!peek().is(";")) {
                    throw new IdlException(peek().at(), k.text(), "expected ';' after a " + k.text() + " definition (declare variables in a typedef)");
                }
                next();
            }
            case "union", "library", "coclass", "dispinterface", "module", "importlib" ->
                throw new IdlException(k.at(), k.text(), "outside the subset");
            default -> {
                if (!inInterface) {
                    throw new IdlException(k.at(), k.kind() == Token.Kind.IDENT ? k.text() : "declaration",
                            "expected an interface, import, typedef, const, struct or enum but found " + k.describe());
                }
                return false;
            }
        }
        return true;
    }

    private void imports() throws IdlException {
        Token imp = next();
        do {
            Token f = next();
            if (f.kind() != Token.Kind.STRING) {
                throw new IdlException(f.at(), "import", "expected a file name in quotes but found " + f.describe());
            }
            if (!Prelude.FILES.contains(f.text().toLowerCase(java.util.Locale.ROOT))) {
                throw new IdlException(f.at(), "import", "\"" + f.text() + "\" is not one of the files the built-in prelude"
                        + " stands for (" + String.join(", ", Prelude.FILES) + "): importing other IDL files is outside the subset");
            }
        } while (accept(","));
        expect(";", "import");
        if (!scope.preludeLoaded && !prelude) {
            scope.preludeLoaded = true;
            Parser p = new Parser(Lexer.tokenize("<prelude>", Prelude.SOURCE), scope, true);
            p.file();
        }
        if (prelude) {
            throw new IdlException(imp.at(), "import", "the prelude imports nothing");
        }
    }

    private void iface(Map<String, Attr> attrs) throws IdlException {
        Token kw = next();
        Token name = ident("interface");
        Cursor.only(attrs, "an interface", "uuid", "version", "pointer_default");
        if (peek().is(":")) {
            throw new IdlException(peek().at(), "interface", name.text() + ": interface inheritance (COM) is outside the subset");
        }
        if (peek().is(";")) {
            throw new IdlException(peek().at(), "interface", name.text() + ": forward declarations are outside the subset");
        }
        if (attrs.get("uuid") == null) {
            throw new IdlException(kw.at(), "uuid", "interface " + name.text() + " has no uuid attribute");
        }
        UUID uuid = InterfaceAttributes.uuid(attrs.get("uuid"));
        int[] version = InterfaceAttributes.version(attrs.get("version"));
        pointerDefault = PointerKind.UNIQUE;
        if (attrs.get("pointer_default") != null) {
            Attr a = attrs.get("pointer_default");
            String v = a.single().size() == 1 ? a.single().get(0).text() : "";
            pointerDefault = switch (v) {
                case "ref" -> PointerKind.REF;
                case "unique" -> PointerKind.UNIQUE;
                default -> throw new IdlException(a.at(), "pointer_default",
                        "'" + v + "' is outside the subset (ref or unique; full pointers are not supported)");
            };
        }
        expect("{", "interface");
        List<Operation> ops = new ArrayList<>();
        Set<String> opNames = new HashSet<>();
        while (!peek().is("}")) {
            if (peek().kind() == Token.Kind.EOF) {
                throw new IdlException(kw.at(), "interface", name.text() + ": a '{' without its '}'");
            }
            if (declaration(true)) {
                continue;
            }
            Operation op = operation(ops.size());
            if (!opNames.add(op.name())) {
                throw new IdlException(op.at(), op.name(), "duplicate operation");
            }
            ops.add(op);
        }
        next();
        accept(";");
        for (IdlInterface other : scope.interfaces) {
            if (other.name().equals(name.text())) {
                throw new IdlException(name.at(), name.text(), "duplicate interface");
            }
        }
        scope.interfaces.add(new IdlInterface(name.text(), uuid, version[0], version[1], pointerDefault, ops, kw.at()));
        pointerDefault = PointerKind.UNIQUE;
    }

    private Operation operation(int opnum) throws IdlException {
        Map<String, Attr> attrs = attributes();
        Cursor.only(attrs, "an operation");
        Token start = peek();
        IdlType ret = typeSpec(false);
        if (peek().is("*")) {
            throw new IdlException(peek().at(), "operation", "an operation returning a pointer is outside the subset");
        }
        Token name = ident("operation");
        expect("(", name.text());
        List<Param> params = new ArrayList<>();
        if (peek().is("void") && peek(1).is(")")) {
            next();
        } else if (!peek().is(")")) {
            do {
                params.add(param(name.text()));
            } while (accept(","));
        }
        expect(")", name.text());
        expect(";", name.text());
        return new Operation(name.text(), opnum, ret, params, false, start.at());
    }

    private Param param(String op) throws IdlException {
        Map<String, Attr> attrs = attributes();
        Cursor.only(attrs, "a parameter", "in", "out", "ref", "unique", "string", "size_is", "length_is");
        for (String d : List.of("in", "out")) {
            if (attrs.get(d) != null && !attrs.get(d).args().isEmpty()) {
                throw new IdlException(attrs.get(d).at(), d, "[" + d + "] takes no arguments here ([in, out] is written so)");
            }
        }
        Param.Direction dir = attrs.containsKey("out") ? (attrs.containsKey("in") ? Param.Direction.IN_OUT : Param.Direction.OUT)
                : Param.Direction.IN;
        IdlType base = typeSpec(false);
        int ptrs = 0;
        while (accept("*")) {
            ptrs++;
        }
        Token name = ident("parameter of " + op);
        List<Dim> dims = TypeBuilder.dims(this);
        IdlType type = TypeBuilder.build(base, ptrs, dims, attrs, Place.PARAM, pointerDefault, scope.names, this::resolve,
                scope.explicitKind, name.at(), name.text());
        return new Param(name.text(), dir, type, name.at());
    }

    IdlType resolve(IdlType type) {
        IdlType t = type;
        while (t instanceof Ref r && scope.types.get(r.name()) != null) {
            t = scope.types.get(r.name()).type();
        }
        return t;
    }

    private void declare(String key, IdlType type, Location at) throws IdlException {
        TypeDecl old = scope.types.get(key);
        if (old != null) {
            throw new IdlException(at, key, "already declared at " + old.at());
        }
        scope.types.put(key, new TypeDecl(key, type, prelude, at));
    }

    private void typedef() throws IdlException {
        next();
        Map<String, Attr> attrs = attributes();
        Cursor.only(attrs, "a typedef", "ref", "unique", "string", "v1_enum");
        if (peek().is("pipe")) {
            Token p = next();
            IdlType element = typeSpec(false);
            Token name = ident("pipe");
            if (!attrs.isEmpty() || !peek().is(";")) {
                throw new IdlException(p.at(), "pipe", name.text() + ": a pipe is declared as typedef pipe T NAME;");
            }
            next();
            declare(name.text(), new Pipe(element), name.at());
            return;
        }
        IdlType base = typeSpec(true);
        if (attrs.containsKey("v1_enum")) {
            if (!(base instanceof Ref r && scope.types.get(r.name()) != null && scope.types.get(r.name()).type() instanceof EnumType e)) {
                throw new IdlException(attrs.get("v1_enum").at(), "v1_enum", "applies to an enum defined in this typedef");
            }
            scope.types.put(r.name(), new TypeDecl(r.name(), new EnumType(e.tag(), e.values(), true), prelude,
                    scope.types.get(r.name()).at()));
        }
        Map<String, Attr> typeAttrs = new LinkedHashMap<>(attrs);
        typeAttrs.remove("v1_enum");
        do {
            int ptrs = 0;
            while (accept("*")) {
                ptrs++;
            }
            Token name = ident("typedef");
            List<Dim> dims = TypeBuilder.dims(this);
            if (dims.stream().anyMatch(d -> d.expr() == null)) {
                throw new IdlException(name.at(), "array", name.text() + ": a conformant array typedef is outside the subset");
            }
            IdlType type = TypeBuilder.build(base, ptrs, dims, typeAttrs, Place.TYPEDEF, pointerDefault, scope.names,
                    this::resolve, scope.explicitKind, name.at(), name.text());
            declare(name.text(), type, name.at());
            if (attrs.containsKey("ref") || attrs.containsKey("unique")) {
                scope.explicitKind.add(name.text());
            }
        } while (accept(","));
        expect(";", "typedef");
    }

    private void constant() throws IdlException {
        next();
        IdlType base = typeSpec(false);
        boolean pointer = accept("*");
        Token name = ident("const");
        expect("=", "const");
        List<Token> expr = new ArrayList<>();
        while (!peek().is(";")) {
            if (peek().kind() == Token.Kind.EOF) {
                throw new IdlException(name.at(), "const", "expected ';'");
            }
            expr.add(next());
        }
        next();
        if (expr.isEmpty()) {
            throw new IdlException(name.at(), "const", name.text() + " has no value");
        }
        IdlType r = resolve(base);
        IdlType type = pointer && (r == Primitive.CHAR || r == Primitive.WCHAR) ? new StringType((Primitive) r, PointerKind.UNIQUE) : base;
        Object v = Exprs.value(expr, scope.names, "const");
        IdlType rt = resolve(type);
        boolean ok = rt instanceof StringType ? v instanceof String
                : rt == Primitive.BOOLEAN ? v instanceof Boolean || v instanceof Long
                : rt instanceof Primitive p && p.integral() && !pointer && v instanceof Long;
        if (!ok) {
            throw new IdlException(name.at(), "const", name.text() + ": a constant is an integer, boolean, character or string"
                    + " of a matching type");
        }
        if (rt instanceof Primitive p && p.integral() && p.size() < 8 && v instanceof Long l
                && (l < -(1L << (8 * p.size() - 1)) || l > (1L << (8 * p.size())) - 1)) {
            throw new IdlException(name.at(), "const", name.text() + " = " + l + " does not fit in " + p.idlName());
        }
        if (rt == Primitive.BOOLEAN && v instanceof Long l) {
            v = l != 0;
        }
        defineName(name, v);
        scope.constants.add(new Constant(name.text(), type, v, name.at()));
    }

    private void defineName(Token name, Object v) throws IdlException {
        if (scope.names.putIfAbsent(name.text(), v) != null) {
            throw new IdlException(name.at(), name.text(), "a constant or enum value of that name is already declared");
        }
    }

    /** A type specifier: a base type, a typedef name, or a struct or enum (defined here or by tag). */
    private IdlType typeSpec(boolean inTypedef) throws IdlException {
        while (accept("const")) {
            // C's const qualifier changes nothing on the wire
        }
        Token k = peek();
        if (k.kind() != Token.Kind.IDENT) {
            throw new IdlException(k.at(), "type", "expected a type but found " + k.describe());
        }
        IdlType t = switch (k.text()) {
            case "struct" -> struct();
            case "enum" -> enumeration();
            case "union", "pipe", "__int3264", "__int32", "__int16", "__int8", "interface", "SAFEARRAY", "VARIANT", "BSTR" ->
                throw new IdlException(k.at(), k.text(), k.text().equals("pipe")
                        ? "a pipe type is declared by typedef pipe T NAME; and used through that name"
                        : "outside the subset");
            default -> Primitives.parse(this, scope);
        };
        while (accept("const")) {
            // as above
        }
        return t;
    }

    private IdlType struct() throws IdlException {
        Token kw = next();
        String tag = peek().kind() == Token.Kind.IDENT ? next().text() : null;
        if (!peek().is("{")) {
            if (tag == null) {
                throw new IdlException(kw.at(), "struct", "expected a tag or '{'");
            }
            return defined("struct " + tag, kw);
        }
        Token open = next();
        tag = tag != null ? tag : anonymousName(kw);
        String key = "struct " + tag;
        defining.add(key);
        if (scope.types.containsKey(key)) {
            throw new IdlException(kw.at(), key, "already declared at " + scope.types.get(key).at());
        }
        List<Field> fields = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (!accept("}")) {
            if (peek().kind() == Token.Kind.EOF) {
                throw new IdlException(open.at(), "struct", tag + ": a '{' without its '}'");
            }
            Map<String, Attr> attrs = attributes();
            Cursor.only(attrs, "a field", "ref", "unique", "string", "size_is", "length_is");
            IdlType base = typeSpec(false);
            do {
                int ptrs = 0;
                while (accept("*")) {
                    ptrs++;
                }
                Token name = ident("field of " + tag);
                IdlType type = TypeBuilder.build(base, ptrs, TypeBuilder.dims(this), attrs, Place.FIELD, pointerDefault, scope.names,
                        this::resolve, scope.explicitKind, name.at(), name.text());
                if (!seen.add(name.text())) {
                    throw new IdlException(name.at(), name.text(), "duplicate field of " + tag);
                }
                fields.add(new Field(name.text(), type, name.at()));
            } while (accept(","));
            expect(";", "field of " + tag);
        }
        if (fields.isEmpty()) {
            throw new IdlException(kw.at(), "struct", tag + ": an empty struct is outside the subset");
        }
        defining.remove(key);
        declare(key, new StructType(tag, fields), kw.at());
        return new Ref(key);
    }

    /** A reference to a struct or enum tag defined before (or being defined). */
    private Ref defined(String key, Token kw) throws IdlException {
        if (!scope.types.containsKey(key) && !defining.contains(key)) {
            throw new IdlException(kw.at(), key, "not defined before this use (forward declarations are outside the subset)");
        }
        return new Ref(key);
    }

    /** An anonymous struct or enum (its '{' read) is named after the first declarator after its body. */
    private String anonymousName(Token kw) throws IdlException {
        int depth = 1;
        for (int j = i; j < t.size(); j++) {
            Token k = t.get(j);
            depth += k.is("{") ? 1 : k.is("}") ? -1 : 0;
            if (depth == 0 && k.is("}")) {
                int n = j + 1;
                while (t.get(n).is("*")) {
                    n++;
                }
                if (t.get(n).kind() == Token.Kind.IDENT) {
                    return t.get(n).text();
                }
                break;
            }
        }
        throw new IdlException(kw.at(), kw.text(), "an anonymous " + kw.text() + " must be named by a typedef");
    }

    private IdlType enumeration() throws IdlException {
        Token kw = next();
        String tag = peek().kind() == Token.Kind.IDENT ? next().text() : null;
        if (!peek().is("{")) {
            if (tag == null) {
                throw new IdlException(kw.at(), "enum", "expected a tag or '{'");
            }
            return defined("enum " + tag, kw);
        }
        next();
        tag = tag != null ? tag : anonymousName(kw);
        List<EnumValue> values = new ArrayList<>();
        long nextValue = 0;
        while (!accept("}")) {
            Token name = ident("enum " + tag);
            long v = nextValue;
            if (accept("=")) {
                List<Token> e = new ArrayList<>();
                while (!peek().is(",") && !peek().is("}")) {
                    if (peek().kind() == Token.Kind.EOF) {
                        throw new IdlException(name.at(), "enum", tag + ": a '{' without its '}'");
                    }
                    e.add(next());
                }
                if (e.isEmpty()) {
                    throw new IdlException(name.at(), "enum", name.text() + " = needs a value");
                }
                v = Exprs.integer(e, scope.names, "enum");
            }
            if (v < Integer.MIN_VALUE || v > 0xFFFFFFFFL) {
                throw new IdlException(name.at(), "enum", name.text() + " = " + v + " does not fit in 32 bits");
            }
            defineName(name, v);
            values.add(new EnumValue(name.text(), v));
            nextValue = v + 1;
            if (!accept(",")) {
                expect("}", "enum " + tag);
                break;
            }
        }
        if (values.isEmpty()) {
            throw new IdlException(kw.at(), "enum", tag + ": an empty enum is outside the subset");
        }
        declare("enum " + tag, new EnumType(tag, values, false), kw.at());
        return new Ref("enum " + tag);
    }
}
