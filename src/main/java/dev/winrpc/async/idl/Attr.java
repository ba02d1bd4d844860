package dev.winrpc.async.idl;

import java.util.List;

/**
 * One attribute as written, {@code name} or {@code name(arg, arg)}, its arguments left as
 * tokens for the place that knows what they mean.
 *
 * @param name its name
 * @param args its arguments, split at top-level commas (empty without parentheses)
 * @param at where its name is
 */
record Attr(String name, List<List<Token>> args, Location at) {

    Attr {
        args = List.copyOf(args);
    }

    /** The single argument's tokens, or an error naming the attribute. */
    List<Token> single() throws IdlException {
        if (args.size() != 1 || args.get(0).isEmpty()) {
            throw new IdlException(at, name, name + " takes exactly one argument here"
                    + (args.size() > 1 ? " (multi-dimensional forms are outside the subset)" : ""));
        }
        return args.get(0);
    }
}
