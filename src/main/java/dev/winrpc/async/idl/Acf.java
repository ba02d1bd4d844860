package dev.winrpc.async.idl;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an ACF and applies it to the parsed interfaces. The subset: {@code interface NAME { ...
 * }} naming an interface of the IDL, whose body lists operations of that interface as
 * {@code [async] Name();} (a parameter list, if any, empty), and {@code include "file.h";},
 * which only concerns C and is ignored. Interface-level ACF attributes ({@code implicit_handle},
 * {@code auto_handle}, {@code explicit_handle}, {@code code}...) and every other operation
 * attribute are refused: binding is explicit in the IDL, and [async] is the one ACF attribute of
 * the subset.
 */
final class Acf {

    private Acf() {
    }

    static List<IdlInterface> apply(List<Token> tokens, List<IdlInterface> interfaces) throws IdlException {
        Cursor c = new Cursor(tokens);
        List<IdlInterface> result = new ArrayList<>(interfaces);
        Set<String> done = new HashSet<>();
        while (c.peek().kind() != Token.Kind.EOF) {
            if (c.peek().is("include")) {
                c.next();
                do {
                    if (c.next().kind() != Token.Kind.STRING) {
                        throw new IdlException(c.t.get(c.i - 1).at(), "include", "expected a file name in quotes");
                    }
                } while (c.accept(","));
                c.expect(";", "include");
                continue;
            }
            Map<String, Attr> attrs = c.attributes();
            for (Attr a : attrs.values()) {
                throw new IdlException(a.at(), a.name(), "interface-level ACF attributes are outside the subset"
                        + " (binding is explicit: handle_t is each operation's first parameter in the IDL)");
            }
            Token kw = c.peek();
            if (!kw.is("interface")) {
                throw new IdlException(kw.at(), kw.kind() == Token.Kind.IDENT ? kw.text() : "acf",
                        "expected interface (the ACF subset: include, interface with [async] operations) but found " + kw.describe());
            }
            c.next();
            Token name = c.ident("interface");
            int index = -1;
            for (int k = 0; k < result.size(); k++) {
                if (result.get(k).name().equals(name.text())) {
                    index = k;
                }
            }
            if (index < 0) {
                throw new IdlException(name.at(), name.text(), "the IDL declares no interface of that name");
            }
            if (!done.add(name.text())) {
                throw new IdlException(name.at(), name.text(), "interface configured twice in the ACF");
            }
            result.set(index, body(c, result.get(index)));
            c.accept(";");
        }
        return result;
    }

    private static IdlInterface body(Cursor c, IdlInterface iface) throws IdlException {
        c.expect("{", "interface");
        List<Operation> ops = new ArrayList<>(iface.operations());
        Set<String> seen = new HashSet<>();
        while (!c.accept("}")) {
            if (c.peek().kind() == Token.Kind.EOF) {
                throw new IdlException(c.peek().at(), "interface", iface.name() + ": a '{' without its '}'");
            }
            if (c.peek().is("typedef")) {
                throw new IdlException(c.peek().at(), "typedef", "ACF typedefs are outside the subset");
            }
            Map<String, Attr> attrs = c.attributes();
            Cursor.only(attrs, "an ACF operation", "async");
            if (attrs.containsKey("async") && !attrs.get("async").args().isEmpty()) {
                throw new IdlException(attrs.get("async").at(), "async", "takes no arguments");
            }
            Token name = c.ident("operation");
            int index = -1;
            for (int k = 0; k < ops.size(); k++) {
                if (ops.get(k).name().equals(name.text())) {
                    index = k;
                }
            }
            if (index < 0) {
                throw new IdlException(name.at(), name.text(), "the IDL's interface " + iface.name() + " has no operation of that name");
            }
            if (!seen.add(name.text())) {
                throw new IdlException(name.at(), name.text(), "operation configured twice in the ACF");
            }
            c.expect("(", name.text());
            if (!c.peek().is(")")) {
                throw new IdlException(c.peek().at(), name.text(), "ACF parameter attributes are outside the subset: write " + name.text() + "()");
            }
            c.next();
            c.expect(";", name.text());
            ops.set(index, ops.get(index).withAsync(attrs.containsKey("async")));
        }
        return new IdlInterface(iface.name(), iface.uuid(), iface.majorVersion(), iface.minorVersion(), iface.pointerDefault(),
                ops, iface.at());
    }
}
