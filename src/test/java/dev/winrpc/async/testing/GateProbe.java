package dev.winrpc.async.testing;

import dev.winrpc.async.RpcRuntime;
import dev.winrpc.async.RpcRuntimeUnavailableException;

/**
 * Run in a fresh JVM, without the dev.winrpc.async.library property, by RpcRuntimeGateTest:
 * initialises every class of the library, then uses the runtime. Exits 0 when every class
 * initialised and the first use threw RpcRuntimeUnavailableException; 1 otherwise.
 */
public final class GateProbe {

    private GateProbe() {
    }

    /**
     * @param args ignored
     */
    public static void main(String[] args) {
        if (System.getProperty(RpcRuntime.LIBRARY_PROPERTY) != null) {
            System.out.println("the probe must run without -D" + RpcRuntime.LIBRARY_PROPERTY);
            System.exit(1);
        }
        int n = 0;
        for (String name : LibraryClasses.names()) {
            try {
                Class.forName(name, true, GateProbe.class.getClassLoader());
                n++;
            } catch (Throwable t) {
                System.out.println("class " + name + " failed to initialise: " + t);
                System.exit(1);
            }
        }
        System.out.println("initialised classes: " + n);
        System.out.println("isAvailable=" + RpcRuntime.isAvailable());
        try {
            RpcRuntime.rpcrt4();
            System.out.println("rpcrt4() did not throw");
            System.exit(1);
        } catch (RpcRuntimeUnavailableException e) {
            System.out.println(e);
        }
        try {
            RpcRuntime.rpcrt4Binding();
            System.out.println("rpcrt4Binding() did not throw");
            System.exit(1);
        } catch (RpcRuntimeUnavailableException e) {
            System.out.println("rpcrt4Binding() threw");
        }
        try {
            RpcRuntime.rpcrt4Server();
            System.out.println("rpcrt4Server() did not throw");
            System.exit(1);
        } catch (RpcRuntimeUnavailableException e) {
            System.out.println("rpcrt4Server() threw");
        }
        System.exit(0);
    }
}
