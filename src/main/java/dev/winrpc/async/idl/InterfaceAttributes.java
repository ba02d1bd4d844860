package dev.winrpc.async.idl;

import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads an interface's uuid and version attributes. */
final class InterfaceAttributes {

    private InterfaceAttributes() {
    }

    private static final Pattern UUID_TEXT = Pattern.compile(
            "\\s*([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\\s*");

    static UUID uuid(Attr a) throws IdlException {
        List<Token> arg = a.single();
        String text = arg.size() == 1 && arg.get(0).kind() == Token.Kind.STRING ? arg.get(0).text() : joined(arg);
        Matcher m = UUID_TEXT.matcher(text);
        if (!m.matches()) {
            throw new IdlException(a.at(), "uuid", "'" + text.trim() + "' is not a UUID (8-4-4-4-12 hexadecimal digits)");
        }
        return UUID.fromString(m.group(1));
    }

    /** The argument's tokens joined (a UUID is not made of C tokens, but its pieces are). */
    private static String joined(List<Token> arg) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < arg.size(); i++) {
            if (i > 0 && arg.get(i - 1).end() != arg.get(i).start()) {
                s.append(' ');
            }
            s.append(arg.get(i).text());
        }
        return s.toString();
    }

    static int[] version(Attr a) throws IdlException {
        if (a == null) {
            return new int[] {0, 0};
        }
        List<Token> arg = a.single();
        Matcher m = Pattern.compile("(\\d+)(?:\\.(\\d+))?").matcher(arg.size() == 1 ? arg.get(0).text() : "");
        if (!m.matches() || Long.parseLong(m.group(1)) > 65535 || (m.group(2) != null && Long.parseLong(m.group(2)) > 65535)) {
            throw new IdlException(a.at(), "version", "expected major.minor, each from 0 to 65535");
        }
        return new int[] {Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2))};
    }
}
