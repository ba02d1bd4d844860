package dev.winrpc.async.idl;

import java.util.List;
import java.util.Map;

/**
 * Constant expressions (C's integer operators over literals, constants and enum values) and
 * the simple {@code size_is} / {@code length_is} expressions of {@link SizeExpr}.
 */
final class Exprs {

    private final List<Token> t;
    private final Map<String, Object> names;
    private int i;

    private Exprs(List<Token> tokens, Map<String, Object> names) {
        this.t = tokens;
        this.names = names;
    }

    /**
     * Evaluates an integer constant expression.
     *
     * @param tokens the expression
     * @param names the constants and enum values known so far
     * @param construct what the expression belongs to, for errors
     */
    static long integer(List<Token> tokens, Map<String, Object> names, String construct) throws IdlException {
        Object v = value(tokens, names, construct);
        if (v instanceof Long l) {
            return l;
        }
        throw new IdlException(tokens.get(0).at(), construct, "an integer constant expression is needed here");
    }

    /** Evaluates a constant expression: a Long, a Boolean or a String. */
    static Object value(List<Token> tokens, Map<String, Object> names, String construct) throws IdlException {
        if (tokens.isEmpty()) {
            throw new IllegalStateException("empty expression for " + construct);
        }
        if (tokens.size() == 1 && tokens.get(0).kind() == Token.Kind.STRING) {
            return tokens.get(0).text();
        }
        if (tokens.size() == 1 && tokens.get(0).kind() == Token.Kind.IDENT) {
            String n = tokens.get(0).text();
            if (n.equals("TRUE") || n.equals("true")) {
                return Boolean.TRUE;
            }
            if (n.equals("FALSE") || n.equals("false")) {
                return Boolean.FALSE;
            }
            if (names.get(n) instanceof Boolean || names.get(n) instanceof String) {
                return names.get(n);
            }
        }
        Exprs e = new Exprs(tokens, names);
        long v = e.binary(0, construct);
        if (e.i != tokens.size()) {
            throw new IdlException(tokens.get(e.i).at(), construct, "unexpected " + tokens.get(e.i).describe() + " in a constant expression");
        }
        return v;
    }

    private static final List<List<String>> LEVELS = List.of(List.of("|"), List.of("^"), List.of("&"),
            List.of("<<", ">>"), List.of("+", "-"), List.of("*", "/", "%"));

    private long binary(int level, String construct) throws IdlException {
        if (level == LEVELS.size()) {
            return unary(construct);
        }
        long v = binary(level + 1, construct);
        while (true) {
            String op = operator();
            if (op == null || !LEVELS.get(level).contains(op)) {
                return v;
            }
            Token opTok = t.get(i);
            i += op.length();
            long r = binary(level + 1, construct);
            v = switch (op) {
                case "|" -> v | r;
                case "^" -> v ^ r;
                case "&" -> v & r;
                case "<<" -> v << r;
                case ">>" -> v >> r;
                case "+" -> v + r;
                case "-" -> v - r;
                case "*" -> v * r;
                default -> {
                    if (r == 0) {
                        throw new IdlException(opTok.at(), construct, "division by zero in a constant expression");
                    }
                    yield op.equals("/") ? v / r : v % r;
                }
            };
        }
    }

    private String operator() {
        if (i >= t.size() || t.get(i).kind() != Token.Kind.PUNCT) {
            return null;
        }
        String c = t.get(i).text();
        if ((c.equals("<") || c.equals(">")) && i + 1 < t.size() && t.get(i + 1).is(c)) {
            return c + c;
        }
        return c;
    }

    private long unary(String construct) throws IdlException {
        if (i >= t.size()) {
            throw new IdlException(t.get(t.size() - 1).at(), construct, "a constant expression ends too early");
        }
        Token k = t.get(i++);
        if (k.is("-")) {
            return -unary(construct);
        }
        if (k.is("~")) {
            return ~unary(construct);
        }
        if (k.is("+")) {
            return unary(construct);
        }
        if (k.is("(")) {
            long v = binary(0, construct);
            if (i >= t.size() || !t.get(i).is(")")) {
                throw new IdlException(k.at(), construct, "a '(' without its ')'");
            }
            i++;
            return v;
        }
        if (k.kind() == Token.Kind.NUMBER) {
            return number(k, construct);
        }
        if (k.kind() == Token.Kind.CHAR) {
            if (k.text().length() != 1) {
                throw new IdlException(k.at(), construct, "a character literal holds one character");
            }
            return k.text().charAt(0);
        }
        if (k.kind() == Token.Kind.IDENT && names.get(k.text()) instanceof Long l) {
            return l;
        }
        if (k.kind() == Token.Kind.IDENT) {
            throw new IdlException(k.at(), construct, "'" + k.text() + "' is not a constant or enum value declared before it");
        }
        throw new IdlException(k.at(), construct, "unexpected " + k.describe() + " in a constant expression");
    }

    /** Parses a C integer literal: decimal, 0x hex, 0 octal, with U/L suffixes. */
    static long number(Token k, String construct) throws IdlException {
        String s = k.text().replaceAll("(?i)(u|l|ul|lu|ll|ull|llu|i64|ui64)$", "");
        try {
            if (s.matches("0[xX][0-9a-fA-F]+")) {
                return Long.parseUnsignedLong(s.substring(2), 16);
            }
            if (s.matches("0[0-7]+")) {
                return Long.parseLong(s.substring(1), 8);
            }
            if (s.matches("[0-9]+")) {
                return Long.parseUnsignedLong(s);
            }
        } catch (NumberFormatException e) {
            throw new IdlException(k.at(), construct, "the number " + k.text() + " does not fit in 64 bits");
        }
        throw new IdlException(k.at(), construct, "'" + k.text() + "' is not an integer literal"
                + (s.contains(".") ? " (floating-point constants are outside the subset)" : ""));
    }

    /**
     * Parses a size_is/length_is expression: {@code [*]name}, optionally times a number (on
     * either side) and plus or minus a number.
     */
    static SizeExpr size(Attr a) throws IdlException {
        List<Token> t = a.single();
        int i = 0;
        long mul = 1;
        if (t.size() > i + 1 && t.get(i).kind() == Token.Kind.NUMBER && t.get(i + 1).is("*")) {
            mul = number(t.get(i), a.name());
            i += 2;
        }
        boolean deref = false;
        if (i < t.size() && t.get(i).is("*")) {
            deref = true;
            i++;
        }
        if (i >= t.size() || t.get(i).kind() != Token.Kind.IDENT) {
            throw new IdlException(t.get(Math.min(i, t.size() - 1)).at(), a.name(),
                    "must name a parameter or field (a constant size is a fixed array: T a[N])");
        }
        String name = t.get(i++).text();
        if (i + 1 < t.size() && t.get(i).is("*") && t.get(i + 1).kind() == Token.Kind.NUMBER && mul == 1) {
            mul = number(t.get(i + 1), a.name());
            i += 2;
        }
        long add = 0;
        if (i + 1 < t.size() && (t.get(i).is("+") || t.get(i).is("-")) && t.get(i + 1).kind() == Token.Kind.NUMBER) {
            add = number(t.get(i + 1), a.name()) * (t.get(i).is("-") ? -1 : 1);
            i += 2;
        }
        if (i != t.size()) {
            throw new IdlException(t.get(i).at(), a.name(), "expression outside the subset at " + t.get(i).describe()
                    + " (accepted: name, *name, name*N, N*name, each optionally + or - N)");
        }
        if (mul < 1) {
            throw new IdlException(t.get(0).at(), a.name(), "the factor must be positive");
        }
        return new SizeExpr(name, deref, mul, add);
    }
}
