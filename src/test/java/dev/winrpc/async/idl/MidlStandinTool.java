package dev.winrpc.async.idl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * windows-tests/check-mingw.sh's way to {@link MidlStandin}, the generated stand-in of MIDL's output
 * (the same one {@link IdlWindowsGlueTest} compiles the generated glue against), so that no second
 * stand-in is written by hand: {@code MidlStandinTool IDL ACF OUTDIR} writes the stand-in's files for
 * that IDL and ACF into OUTDIR (IdlCompiler's --c-out, beside the generated glue). The script compiles
 * this package's sources with javac alone: they need nothing but the JDK.
 */
final class MidlStandinTool {

    private MidlStandinTool() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: MidlStandinTool IDL ACF OUTDIR");
            System.exit(2);
        }
        Path out = Files.createDirectories(Path.of(args[2]));
        for (Map.Entry<String, String> e : new MidlStandin(Idl.parse(Path.of(args[0]), Path.of(args[1]))).files().entrySet()) {
            Files.writeString(out.resolve(e.getKey()), e.getValue());
        }
    }
}
