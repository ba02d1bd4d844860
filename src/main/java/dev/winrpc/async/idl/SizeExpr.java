package dev.winrpc.async.idl;

import java.util.Objects;

/**
 * The expression of a {@code size_is} or {@code length_is}: another parameter or field,
 * optionally dereferenced ({@code *pcb}, when it is a pointer to an integer), times and plus a
 * constant: {@code n}, {@code n*2}, {@code n+1}, {@code 2*n-1}. Anything more is refused.
 *
 * @param name the parameter or field it names
 * @param deref true for {@code *name}
 * @param multiplier what the value is multiplied by (1 if none)
 * @param addend what is added after (0 if none)
 */
public record SizeExpr(String name, boolean deref, long multiplier, long addend) {

    /**
     * Checks the name.
     *
     * @param name the parameter or field
     * @param deref dereferenced
     * @param multiplier the factor
     * @param addend the addend
     */
    public SizeExpr {
        Objects.requireNonNull(name, "name");
    }

    /**
     * The value for a given value of the named parameter or field.
     *
     * @param named the named value (dereferenced already if {@link #deref()})
     * @return {@code named * multiplier + addend}
     */
    public long apply(long named) {
        return named * multiplier + addend;
    }

    /** {@return the expression as IDL writes it} */
    @Override
    public String toString() {
        String s = (deref ? "*" : "") + name;
        if (multiplier != 1) {
            s = s + "*" + multiplier;
        }
        if (addend != 0) {
            s = s + (addend > 0 ? "+" : "-") + Math.abs(addend);
        }
        return s;
    }
}
