package dev.winrpc.async.idl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits an IDL or ACF file into tokens. Comments go; preprocessor lines are read here as MIDL's
 * C preprocessor would, within what the subset allows: {@code #pragma} and {@code #include} are
 * ignored ({@code #include} brings C headers, whose types the IDL cannot use unless it declares
 * them, and an undeclared type is refused where it is used), {@code #define NAME value} with a
 * single literal value (optionally negated or parenthesised) is substituted wherever NAME
 * appears, and every other directive (function-like macros, {@code #if}, {@code #undef}...) is
 * refused, since ignoring it could change the types.
 */
final class Lexer {

    private final String file;
    private final String src;
    private int pos;
    private int line = 1;
    private int lineStart;
    private final Map<String, List<Token>> macros = new HashMap<>();

    private Lexer(String file, String src) {
        this.file = file;
        this.src = src;
    }

    static List<Token> tokenize(String file, String src) throws IdlException {
        return new Lexer(file, src).all();
    }

    private Location here() {
        return new Location(file, line, pos - lineStart + 1);
    }

    private char peek(int ahead) {
        int i = pos + ahead;
        return i < src.length() ? src.charAt(i) : '\0';
    }

    private void advance() {
        if (src.charAt(pos) == '\n') {
            line++;
            lineStart = pos + 1;
        }
        pos++;
    }

    private List<Token> all() throws IdlException {
        List<Token> out = new ArrayList<>();
        while (true) {
            skipSpaceAndComments();
            if (pos >= src.length()) {
                out.add(new Token(Token.Kind.EOF, "", here(), pos, pos));
                return out;
            }
            char c = peek(0);
            if (c == '#' && src.substring(lineStart, pos).isBlank()) {
                directive();
                continue;
            }
            Token t = next();
            List<Token> expansion = t.kind() == Token.Kind.IDENT ? macros.get(t.text()) : null;
            if (expansion != null) {
                for (Token e : expansion) {
                    out.add(new Token(e.kind(), e.text(), t.at(), t.start(), t.end()));
                }
            } else {
                out.add(t);
            }
        }
    }

    private void skipSpaceAndComments() throws IdlException {
        while (pos < src.length()) {
            char c = peek(0);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') {
                advance();
            } else if (c == '/' && peek(1) == '/') {
                while (pos < src.length() && peek(0) != '\n') {
                    advance();
                }
            } else if (c == '/' && peek(1) == '*') {
                Location start = here();
                advance();
                advance();
                while (!(peek(0) == '*' && peek(1) == '/')) {
                    if (pos >= src.length()) {
                        throw new IdlException(start, "comment", "a /* comment that never ends");
                    }
                    advance();
                }
                advance();
                advance();
            } else {
                return;
            }
        }
    }

    private Token next() throws IdlException {
        Location at = here();
        int start = pos;
        char c = peek(0);
        if (Character.isLetter(c) || c == '_') {
            if ((c == 'L') && (peek(1) == '"' || peek(1) == '\'')) {
                advance();
                return quoted(at, start);
            }
            while (Character.isLetterOrDigit(peek(0)) || peek(0) == '_') {
                advance();
            }
            return new Token(Token.Kind.IDENT, src.substring(start, pos), at, start, pos);
        }
        if (Character.isDigit(c)) {
            while (Character.isLetterOrDigit(peek(0)) || peek(0) == '_' || peek(0) == '.') {
                advance();
            }
            return new Token(Token.Kind.NUMBER, src.substring(start, pos), at, start, pos);
        }
        if (c == '"' || c == '\'') {
            return quoted(at, start);
        }
        if ("[](){};,*=<>+-/%&|^~!?:.".indexOf(c) >= 0) {
            advance();
            return new Token(Token.Kind.PUNCT, String.valueOf(c), at, start, pos);
        }
        throw new IdlException(at, "character", "unexpected character '" + c + "'");
    }

    private Token quoted(Location at, int start) throws IdlException {
        char quote = peek(0);
        advance();
        StringBuilder value = new StringBuilder();
        while (peek(0) != quote) {
            char c = peek(0);
            if (pos >= src.length() || c == '\n') {
                throw new IdlException(at, quote == '"' ? "string" : "character", "a literal that never ends on its line");
            }
            if (c == '\\') {
                advance();
                char e = peek(0);
                switch (e) {
                    case 'n' -> value.append('\n');
                    case 't' -> value.append('\t');
                    case 'r' -> value.append('\r');
                    case '0' -> value.append('\0');
                    case '\\', '"', '\'' -> value.append(e);
                    default -> throw new IdlException(here(), "escape", "escape '\\" + e + "' is not in the subset (\\n \\t \\r \\0 \\\\ \\\" \\')");
                }
                advance();
            } else {
                value.append(c);
                advance();
            }
        }
        advance();
        return new Token(quote == '"' ? Token.Kind.STRING : Token.Kind.CHAR, value.toString(), at, start, pos);
    }

    /** A preprocessor line, '#' at pos. */
    private void directive() throws IdlException {
        Location at = here();
        int start = pos;
        int end = src.indexOf('\n', pos);
        while (end > 0 && src.charAt(end - 1) == '\\') {
            end = src.indexOf('\n', end + 1);
        }
        if (end < 0) {
            end = src.length();
        }
        String text = src.substring(start + 1, end).trim();
        String word = text.split("[\\s(\"<]", 2)[0];
        switch (word) {
            case "pragma", "include" -> { }
            case "define" -> define(at, text.substring("define".length()).trim());
            default -> throw new IdlException(at, "#" + word,
                    "preprocessor directive outside the subset (accepted: #include, #pragma, #define NAME literal)");
        }
        while (pos < end) {
            advance();
        }
    }

    private void define(Location at, String rest) throws IdlException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(.*)", java.util.regex.Pattern.DOTALL)
                .matcher(rest);
        if (!m.matches()) {
            throw new IdlException(at, "#define", "a name must follow #define");
        }
        String name = m.group(1);
        String body = m.group(2);
        if (body.startsWith("(")) {
            throw new IdlException(at, "#define", "function-like macro " + name + " is outside the subset");
        }
        List<Token> raw;
        try {
            raw = Lexer.tokenize(file, body.replaceAll("(?s)/\\*.*?\\*/|//[^\\n]*", " ").trim());
        } catch (IdlException e) {
            throw new IdlException(at, "#define", name + ": " + e.diagnostics().get(0).message());
        }
        List<Token> tokens = new ArrayList<>();
        for (Token k : raw.subList(0, raw.size() - 1)) {
            // a macro defined before stands for its literal here too
            tokens.addAll(k.kind() == Token.Kind.IDENT && macros.containsKey(k.text()) ? macros.get(k.text()) : List.of(k));
        }
        if (!literal(tokens)) {
            throw new IdlException(at, "#define", name + " must stand for one literal (a number, a string, a character,"
                    + " optionally negated or in parentheses): a macro that stands for types or other text is outside the subset");
        }
        macros.put(name, List.copyOf(tokens));
    }

    private static boolean literal(List<Token> t) {
        int i = 0;
        int j = t.size();
        while (j - i >= 2 && t.get(i).is("(") && t.get(j - 1).is(")")) {
            i++;
            j--;
        }
        if (j - i == 2 && (t.get(i).is("-") || t.get(i).is("~"))) {
            i++;
        }
        return j - i == 1 && t.get(i).kind() != Token.Kind.IDENT && t.get(i).kind() != Token.Kind.PUNCT;
    }
}
