package dev.winrpc.async.idl;

import dev.winrpc.async.idl.IdlType.EnumType;
import dev.winrpc.async.idl.IdlType.EnumValue;
import dev.winrpc.async.idl.IdlType.Pipe;
import dev.winrpc.async.idl.IdlType.Primitive;
import dev.winrpc.async.idl.IdlType.StructType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A STAND-IN for what MIDL generates for an interface with the generated CMake project's switches,
 * following windows-tests/midl-standin/'s way: only so that mingw-w64 can compile and link the
 * generated glue on Linux, where there is no MIDL. It follows MIDL's names, not the glue's: the
 * client run's header {@code I_h.h} (the user's ACF), the server run's {@code I_s_h.h} (every
 * operation [async]), each with the IDL's types in MIDL's spellings, {@code ASYNC_P} and {@code P}
 * per pipe, the c_/s_ prototypes, MIDL's manager EPV type {@code I_SERVER_EPV} and the interface
 * handles; and {@code I_standin.c}, which defines what MIDL's two stubs would (client stubs that
 * raise RPC_S_CANNOT_SUPPORT, NULL handles, the server stub's routine table naming s_op). Never run.
 */
final class MidlStandin {

    private final IdlModel model;
    private final CNames names;
    private final IdlInterface iface;

    MidlStandin(IdlModel model) {
        this.model = model;
        this.names = new CNames(model);
        this.iface = model.interfaces().get(0);
    }

    /** {@return file name to contents: the two headers and the stubs' stand-in} */
    Map<String, String> files() {
        Map<String, String> out = new LinkedHashMap<>();
        String n = iface.name();
        out.put(n + "_h.h", header(false));
        out.put(n + "_s_h.h", header(true));
        out.put(n + "_standin.c", stubs());
        out.put(n + "_epv_layout.c", epvLayout());
        return out;
    }

    private String header(boolean server) {
        String n = iface.name();
        StringBuilder b = new StringBuilder("/* A STAND-IN for MIDL's " + (server ? "server" : "client") + " run's header of " + n
                + ", NOT MIDL's output (IdlWindowsGlueTest). */\n#pragma once\n#include <rpc.h>\n#include <rpcndr.h>\n\n");
        for (Constant c : model.constants()) {
            b.append("#define ").append(c.name()).append(" ( ").append(constant(c)).append(" )\n");
        }
        for (TypeDecl d : model.types().values()) {
            if (d.fromPrelude()) {
                continue; // <windows.h>'s, or ms-dtyp.h's
            }
            String key = d.name();
            if (d.type() instanceof EnumType e) {
                b.append("typedef enum ").append(key.substring(5)).append(" {");
                for (EnumValue v : e.values()) {
                    b.append(' ').append(v.name()).append(" = ").append(v.value()).append(',');
                }
                b.append(" } ").append(names.name(key).equals(key) ? "" : names.name(key)).append(";\n");
            } else if (d.type() instanceof StructType) {
                b.append("typedef ").append(key).append(' ').append(names.name(key).equals(key) ? "" : names.name(key))
                        .append(";\n");
            }
        }
        for (TypeDecl d : model.types().values()) {
            if (!d.fromPrelude() && d.type() instanceof StructType s) {
                b.append(d.name()).append(" {\n");
                s.fields().forEach(f -> b.append("    ").append(names.decl(f.type(), f.name(), true)).append(";\n"));
                b.append("};\n");
            }
        }
        for (TypeDecl d : model.types().values()) {
            if (!d.fromPrelude() && d.type() instanceof Pipe p) {
                String e = names.decl(p.element(), "*buf", true);
                String ee = names.decl(p.element(), "**buf", true);
                for (boolean async : new boolean[] {true, false}) {
                    String r = async ? "RPC_STATUS" : "void";
                    String tn = (async ? "ASYNC_" : "") + d.name();
                    b.append("typedef struct ").append(async ? "ASYNC_pipe_" : "pipe_").append(d.name()).append(" {\n")
                            .append("    ").append(r).append(" (__RPC_USER *pull)(char *state, ").append(e)
                            .append(", unsigned long esize, unsigned long *ecount);\n")
                            .append("    ").append(r).append(" (__RPC_USER *push)(char *state, ").append(e).append(", unsigned long ecount);\n")
                            .append("    ").append(r).append(" (__RPC_USER *alloc)(char *state, unsigned long bsize, ").append(ee)
                            .append(", unsigned long *bcount);\n    char *state;\n} ").append(tn).append(";\n");
                }
            }
        }
        for (Operation o : iface.operations()) {
            for (String prefix : new String[] {"c_", "s_"}) {
                b.append(prototype(prefix + o.name(), o, prefix.equals("s_") ? server || o.async() : o.async())).append(";\n");
            }
        }
        b.append("typedef struct _").append(n).append("_SERVER_EPV {\n");
        for (Operation o : iface.operations()) {
            b.append("    ").append(prototype("(*" + o.name() + ")", o, true)).append(";\n");
        }
        b.append("} ").append(n).append("_SERVER_EPV;\n");
        String v = n + "_v" + iface.majorVersion() + "_" + iface.minorVersion();
        b.append("extern RPC_IF_HANDLE c_").append(v).append("_c_ifspec;\nextern RPC_IF_HANDLE ").append(v)
                .append("_c_ifspec;\nextern RPC_IF_HANDLE s_").append(v).append("_s_ifspec;\n");
        return b.toString();
    }

    private String prototype(String name, Operation o, boolean async) {
        StringBuilder b = new StringBuilder();
        b.append(async ? "void" : names.decl(o.returnType(), "", true)).append(' ').append(name).append('(');
        if (async) {
            b.append("PRPC_ASYNC_STATE ").append(o.name()).append("_AsyncHandle");
        }
        for (Param p : o.params()) {
            if (b.charAt(b.length() - 1) != '(') {
                b.append(", ");
            }
            b.append(names.param(p.type(), p.name(), true));
        }
        return b.append(')').toString();
    }

    private static String constant(Constant c) {
        if (c.value() instanceof Boolean v) {
            return v ? "TRUE" : "FALSE";
        }
        if (c.value() instanceof String s) {
            return CHeader.literal(s, c.type().toString().contains("WCHAR") ? "L" : "");
        }
        return c.value().toString();
    }

    private String stubs() {
        String n = iface.name();
        String v = n + "_v" + iface.majorVersion() + "_" + iface.minorVersion();
        StringBuilder b = new StringBuilder("/* A STAND-IN for MIDL's " + n + "_c.c and " + n + "_s.c: link-check only, never run. */\n"
                + "#define WIN32_LEAN_AND_MEAN\n#include <windows.h>\n#include <rpc.h>\n#include \"" + n + "_h.h\"\n\n"
                + "RPC_IF_HANDLE c_" + v + "_c_ifspec = NULL;\nRPC_IF_HANDLE s_" + v + "_s_ifspec = NULL;\n\n"
                + "void (*const " + n + "_ServerRoutineTable[])(void) = {");
        for (Operation o : iface.operations()) {
            b.append(" (void (*)(void))s_").append(o.name()).append(',');
        }
        b.append(" 0 };\n\n");
        for (Operation o : iface.operations()) {
            b.append(prototype("c_" + o.name(), o, o.async())).append("\n{\n");
            if (o.async()) {
                b.append("    (void)").append(o.name()).append("_AsyncHandle;\n");
            }
            o.params().forEach(p -> b.append("    (void)").append(p.name()).append(";\n"));
            b.append("    RpcRaiseException(RPC_S_CANNOT_SUPPORT);\n");
            if (!o.async() && o.returnType() != Primitive.VOID) {
                b.append("    return 0;\n");
            }
            b.append("}\n\n");
        }
        return b.toString();
    }

    /** check/epv_layout.c's check, generated: the header's I_SERVER_EPV has MIDL's manager EPV layout. */
    private String epvLayout() {
        String n = iface.name();
        StringBuilder b = new StringBuilder("/* compile-time only: " + n + "_SERVER_EPV (the stub library's) has the layout of "
                + "MIDL's manager EPV (the stand-in's). */\n#ifndef WIN32_LEAN_AND_MEAN\n#define WIN32_LEAN_AND_MEAN\n#endif\n"
                + "#include <windows.h>\n#include <rpc.h>\n#include <rpcasync.h>\n#include <stddef.h>\n#include \"" + n + "_s_h.h\"\n"
                + "enum midl_epv { MIDL_EPV_SIZE = sizeof(" + n + "_SERVER_EPV)");
        for (Operation o : iface.operations()) {
            b.append(",\n    MIDL_AT_").append(o.name()).append(" = offsetof(").append(n).append("_SERVER_EPV, ").append(o.name())
                    .append(')');
        }
        b.append(" };\n#define WINRPC_NAME(x) winrpc_##x\n#define WINRPC_NO_PROTOTYPES\n#define WINRPC_MIDL_TYPES\n#include \"")
                .append(CHeader.fileName(iface)).append("\"\n");
        b.append("_Static_assert(sizeof(").append(n).append("_SERVER_EPV) == MIDL_EPV_SIZE, \"size\");\n");
        for (Operation o : iface.operations()) {
            b.append("_Static_assert(offsetof(").append(n).append("_SERVER_EPV, ").append(o.name()).append(") == MIDL_AT_")
                    .append(o.name()).append(", \"").append(o.name()).append("\");\n");
        }
        return b.append("int ").append(n).append("_epv_layout_checked(void);\nint ").append(n)
                .append("_epv_layout_checked(void)\n{\n    return 1;\n}\n").toString();
    }
}
