package dev.winrpc.async.idl;

/**
 * One token of an IDL or ACF file.
 *
 * @param kind what it is
 * @param text its text: an identifier, a number as written, one punctuation character, or a
 *        string's or character's value (escapes resolved, quotes dropped)
 * @param at where it starts
 * @param start its first character's offset in the source
 * @param end the offset after its last character
 */
record Token(Kind kind, String text, Location at, int start, int end) {

    /** Token kinds. */
    enum Kind {
        /** An identifier or keyword. */
        IDENT,
        /** A C preprocessing number: a digit, then letters, digits, '.' ({@code 0x10}, {@code 1.0}, {@code 98937d29}). */
        NUMBER,
        /** A string literal ({@code "..."} or {@code L"..."}). */
        STRING,
        /** A character literal. */
        CHAR,
        /** One punctuation character. */
        PUNCT,
        /** The end of the file. */
        EOF
    }

    boolean is(String punctOrIdent) {
        return (kind == Kind.PUNCT || kind == Kind.IDENT) && text.equals(punctOrIdent);
    }

    String describe() {
        return switch (kind) {
            case EOF -> "the end of the file";
            case STRING -> "a string";
            case CHAR -> "a character";
            default -> "'" + text + "'";
        };
    }
}
