package dev.winrpc.async.rpc;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.raw.RPC_SECURITY_QOS;
import dev.winrpc.async.raw.RpcWstr;
import dev.winrpc.async.raw.Rpcrt4Binding;
import dev.winrpc.async.raw.SEC_WINNT_AUTH_IDENTITY_W;
import java.util.Arrays;

/**
 * Applies an {@link RpcAuth} to a binding handle with {@code RpcBindingSetAuthInfoExW} and an
 * {@code RPC_SECURITY_QOS} (static identity tracking: the runtime copies the credentials during
 * the call, so the native copy of the password is zeroed right after it, with every Java copy).
 */
final class BindingAuth {

    private BindingAuth() {
    }

    static void apply(Pointer handle, RpcAuth auth) {
        RPC_SECURITY_QOS qos = new RPC_SECURITY_QOS();
        qos.Capabilities = Rpcrt4Binding.RPC_C_QOS_CAPABILITIES_DEFAULT;
        qos.IdentityTracking = Rpcrt4Binding.RPC_C_QOS_IDENTITY_STATIC;
        qos.ImpersonationType = auth.impersonation().value();
        SEC_WINNT_AUTH_IDENTITY_W id = null;
        Memory password = null;
        char[] pw = null;
        RpcAuth.Identity identity = auth.identity();
        try {
            if (identity != null) {
                pw = identity.password();
                password = utf16(pw);
                id = new SEC_WINNT_AUTH_IDENTITY_W();
                id.User = RpcWstr.of(identity.user());
                id.UserLength = identity.user().length();
                id.Domain = RpcWstr.of(identity.domain());
                id.DomainLength = identity.domain() == null ? 0 : identity.domain().length();
                id.Password = password;
                id.PasswordLength = pw.length;
            }
            int st = RpcBinding.raw().RpcBindingSetAuthInfoExW(handle, RpcWstr.of(auth.serverPrincipal()),
                    auth.level().value(), auth.service().value(), id, Rpcrt4Binding.RPC_C_AUTHZ_NONE, qos);
            RpcException.check("RpcBindingSetAuthInfoExW", st);
        } finally {
            if (password != null) {
                password.clear();
            }
            if (pw != null) {
                Arrays.fill(pw, '\0');
            }
            if (identity != null) {
                identity.wipe();
            }
        }
    }

    /** The characters as UTF-16 with a NUL, without making a String of them. */
    private static Memory utf16(char[] chars) {
        Memory m = new Memory(2L * chars.length + 2);
        for (int i = 0; i < chars.length; i++) {
            m.setShort(2L * i, (short) chars[i]); // not setChar: wchar_t is 4 bytes off Windows
        }
        m.setShort(2L * chars.length, (short) 0);
        return m;
    }
}
