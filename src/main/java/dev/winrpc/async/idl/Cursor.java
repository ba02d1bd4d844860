package dev.winrpc.async.idl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Walks a token list: peeking, expecting, and reading attribute lists. */
class Cursor {

    /** The tokens, ending with EOF. */
    final List<Token> t;
    /** The next token's index. */
    int i;

    Cursor(List<Token> tokens) {
        this.t = tokens;
    }

    Token peek() {
        return t.get(i);
    }

    Token peek(int ahead) {
        return t.get(Math.min(i + ahead, t.size() - 1));
    }

    Token next() {
        Token k = t.get(i);
        if (k.kind() != Token.Kind.EOF) {
            i++;
        }
        return k;
    }

    boolean accept(String s) {
        if (peek().is(s)) {
            i++;
            return true;
        }
        return false;
    }

    Token expect(String s, String construct) throws IdlException {
        Token k = peek();
        if (!k.is(s)) {
            throw new IdlException(k.at(), construct, "expected '" + s + "' but found " + k.describe());
        }
        return next();
    }

    Token ident(String construct) throws IdlException {
        Token k = peek();
        if (k.kind() != Token.Kind.IDENT) {
            throw new IdlException(k.at(), construct, "expected a name but found " + k.describe());
        }
        return next();
    }

    /** Tokens up to the matching ')' of an already consumed '(' (which is consumed too). */
    List<Token> balanced(Token open, String construct) throws IdlException {
        List<Token> out = new ArrayList<>();
        int depth = 1;
        while (true) {
            Token k = next();
            if (k.kind() == Token.Kind.EOF) {
                throw new IdlException(open.at(), construct, "a '(' without its ')'");
            }
            if (k.is("(")) {
                depth++;
            } else if (k.is(")") && --depth == 0) {
                return out;
            }
            out.add(k);
        }
    }

    /** Reads {@code [a, b(x), ...]} if present; an attribute given twice is refused. */
    Map<String, Attr> attributes() throws IdlException {
        Map<String, Attr> out = new LinkedHashMap<>();
        if (!peek().is("[")) {
            return out;
        }
        Token open = next();
        do {
            Token name = ident("attribute");
            List<List<Token>> args = new ArrayList<>();
            if (peek().is("(")) {
                Token p = next();
                List<Token> inner = balanced(p, name.text());
                List<Token> arg = new ArrayList<>();
                int depth = 0;
                for (Token k : inner) {
                    if (k.is(",") && depth == 0) {
                        args.add(arg);
                        arg = new ArrayList<>();
                        continue;
                    }
                    depth += k.is("(") ? 1 : k.is(")") ? -1 : 0;
                    arg.add(k);
                }
                args.add(arg);
            }
            if (out.put(name.text(), new Attr(name.text(), args, name.at())) != null) {
                throw new IdlException(name.at(), name.text(), "attribute given twice");
            }
        } while (accept(","));
        if (!peek().is("]")) {
            throw new IdlException(peek().at(), "attribute", "expected ',' or ']' after an attribute of the list at "
                    + open.at() + " but found " + peek().describe());
        }
        next();
        return out;
    }

    /** Refuses every attribute of {@code attrs} not in {@code allowed}. */
    static void only(Map<String, Attr> attrs, String where, String... allowed) throws IdlException {
        List<String> ok = List.of(allowed);
        for (Attr a : attrs.values()) {
            if (!ok.contains(a.name())) {
                throw new IdlException(a.at(), a.name(), "attribute outside the subset on " + where + hint(a.name())
                        + (ok.isEmpty() ? "" : " (accepted here: " + String.join(", ", ok) + ")"));
            }
        }
    }

    private static String hint(String name) {
        return switch (name) {
            case "ptr" -> ": full pointers are outside the subset, use [ref] or [unique]";
            case "max_is", "min_is", "first_is", "last_is" -> ": use size_is and length_is";
            case "context_handle" -> ": context handles are not supported yet";
            case "switch_is", "switch_type" -> ": unions are outside the subset";
            case "range" -> ": range checks are outside the subset";
            case "object", "local", "iid_is" -> ": COM and local interfaces are outside the subset";
            default -> "";
        };
    }
}
