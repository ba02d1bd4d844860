package dev.winrpc.async.idl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Parses an IDL file and its optional ACF into a checked {@link IdlModel}, or refuses them with
 * an {@link IdlException}.
 */
public final class Idl {

    private Idl() {
    }

    /**
     * Parses IDL (and ACF) text.
     *
     * @param idlName the IDL file's name, as diagnostics print it
     * @param idl the IDL's text
     * @param acfName the ACF's name, or null without an ACF
     * @param acf the ACF's text, or null without an ACF
     * @return the checked model
     * @throws IdlException if either file is outside the subset or breaks a rule
     */
    public static IdlModel parse(String idlName, String idl, String acfName, String acf) throws IdlException {
        Objects.requireNonNull(idlName, "idlName");
        Objects.requireNonNull(idl, "idl");
        if ((acfName == null) != (acf == null)) {
            throw new IllegalArgumentException("an ACF needs both its name and its text");
        }
        Parser.Scope scope = new Parser.Scope();
        List<Token> tokens = Lexer.tokenize(idlName, idl);
        new Parser(tokens, scope, false).file();
        if (scope.interfaces.isEmpty()) {
            throw new IdlException(tokens.get(tokens.size() - 1).at(), "interface", "the IDL declares no interface");
        }
        List<IdlInterface> interfaces = scope.interfaces;
        if (acf != null) {
            interfaces = Acf.apply(Lexer.tokenize(acfName, acf), interfaces);
        }
        IdlModel model = new IdlModel(idlName, scope.types, scope.constants, interfaces);
        Checker.check(model);
        return model;
    }

    /**
     * Reads and parses an IDL file (and ACF), named in diagnostics as given.
     *
     * @param idl the IDL file
     * @param acf the ACF, or null
     * @return the checked model
     * @throws IdlException if either file is outside the subset or breaks a rule
     * @throws IOException if a file cannot be read
     */
    public static IdlModel parse(Path idl, Path acf) throws IdlException, IOException {
        return parse(idl.toString(), Files.readString(idl, StandardCharsets.UTF_8),
                acf == null ? null : acf.toString(), acf == null ? null : Files.readString(acf, StandardCharsets.UTF_8));
    }
}
