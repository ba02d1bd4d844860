package dev.winrpc.async.bench;

import dev.winrpc.async.RpcRuntime;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the JMH benchmarks with JMH's own command line (e.g. {@code -prof gc RawDelivery}), and
 * gives every forked JVM what the benchmarks need: the simulator
 * ({@code -Ddev.winrpc.async.library}), libwinrpcbench.so ({@code -Dwinrpc.bench.library}),
 * both taken from this JVM's properties or else from target/, and
 * {@code --enable-native-access=ALL-UNNAMED} on JDK 22 and later.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        if (cli.shouldHelp()) {
            cli.showHelp();
            return;
        }
        String sim = path(RpcRuntime.LIBRARY_PROPERTY, "target/native/libwinrpcsim.so");
        String bench = path(BenchLib.LIBRARY_PROPERTY, "target/bench-native/libwinrpcbench.so");
        List<String> wanted = new ArrayList<>();
        wanted.add("-D" + RpcRuntime.LIBRARY_PROPERTY + "=" + sim);
        wanted.add("-Djna.library.path=" + new java.io.File(sim).getAbsoluteFile().getParent());
        wanted.add("-D" + BenchLib.LIBRARY_PROPERTY + "=" + bench);
        wanted.add("-Xss2m");
        if (Runtime.version().feature() >= 22) {
            wanted.add("--enable-native-access=ALL-UNNAMED");
        }
        // Unless -jvmArgs is given, JMH starts its forks with this JVM's own arguments: add
        // only what they lack.
        List<String> inherited = cli.getJvmArgs().hasValue() ? List.of()
                : ManagementFactory.getRuntimeMXBean().getInputArguments();
        List<String> jvm = new ArrayList<>();
        for (String a : wanted) {
            if (!inherited.contains(a)) {
                jvm.add(a);
            }
        }
        cli.getJvmArgsAppend().orElse(List.of()).forEach(jvm::add);
        Options options = new OptionsBuilder().parent(cli)
                .jvmArgsAppend(jvm.toArray(new String[0]))
                .shouldFailOnError(cli.shouldFailOnError().orElse(true))
                .build();
        Runner runner = new Runner(options);
        if (cli.shouldList()) {
            runner.list();
            return;
        }
        Collection<?> results = runner.run();
        if (results.isEmpty()) {
            throw new IllegalStateException("no benchmark ran (pattern: " + cli.getIncludes() + ")");
        }
    }

    private static String path(String property, String fallback) {
        String v = System.getProperty(property);
        File f = new File(v != null && !v.isBlank() ? v : fallback).getAbsoluteFile();
        if (!f.isFile()) {
            throw new IllegalStateException(f + " does not exist: build it first (mvn -Pbench verify "
                    + "builds the simulator and libwinrpcbench.so), or set -D" + property);
        }
        return f.getPath();
    }
}
