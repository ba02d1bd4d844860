/**
 * The IDL compiler, stage 1: reads a MIDL {@code .idl} and its {@code .acf} (the subset of
 * issue 13, refusing everything else with {@code file:line:column}), builds an immutable model
 * of the interface with its types resolved and its attributes checked, and writes Java types for
 * the IDL's constants, enums and structs.
 *
 * <p>The entry point is {@link dev.winrpc.async.idl.IdlCompiler} (a command line, and
 * {@link dev.winrpc.async.idl.IdlCompiler#run} in-process); {@link dev.winrpc.async.idl.Idl#parse}
 * gives the model ({@link dev.winrpc.async.idl.IdlModel}) without writing anything. An error is
 * an {@link dev.winrpc.async.idl.IdlException} carrying one or more
 * {@link dev.winrpc.async.idl.Diagnostic}s. The repository's docs/idl.md lists the subset, the
 * error format, and what later stages will generate.
 *
 * <p>This package is a leaf tool: nothing of the library imports it, and it needs nothing of
 * the library's native layers.
 */
package dev.winrpc.async.idl;
