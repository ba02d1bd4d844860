package dev.winrpc.async.rpc;

import dev.winrpc.async.raw.Rpcrt4Binding;
import java.util.Arrays;
import java.util.Objects;

/**
 * A client binding's authentication, as typed values: the level, the service, the server's
 * principal name, the impersonation level the server may use, and whose credentials (the
 * current user's, or an explicit {@link Identity}). Applied with
 * {@code RpcBindingSetAuthInfoExW} and an {@code RPC_SECURITY_QOS} by {@link RpcBinding}.
 *
 * @param level the authentication level
 * @param service the authentication service
 * @param serverPrincipal the server's principal name, or null (the service's default)
 * @param impersonation how far the server may impersonate the client
 * @param identity explicit credentials, or null for the current user's
 */
public record RpcAuth(Level level, Service service, String serverPrincipal,
        ImpersonationLevel impersonation, Identity identity) {

    /**
     * Checks the values.
     *
     * @param level the authentication level
     * @param service the authentication service
     * @param serverPrincipal the server's principal name, or null (the service's default)
     * @param impersonation how far the server may impersonate the client
     * @param identity explicit credentials, or null for the current user's
     * @throws NullPointerException if level, service or impersonation is null
     * @throws IllegalArgumentException if serverPrincipal contains a NUL character, or the
     *         service is {@link Service#NONE} with a level above {@link Level#NONE}
     */
    public RpcAuth {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(impersonation, "impersonation");
        if (serverPrincipal != null && serverPrincipal.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("the server principal name contains a NUL character");
        }
        if (service == Service.NONE && level != Level.NONE && level != Level.DEFAULT) {
            throw new IllegalArgumentException("authentication service NONE cannot give level " + level);
        }
    }

    /**
     * The current user's credentials, impersonation level {@link ImpersonationLevel#IMPERSONATE}.
     *
     * @param level the level
     * @param service the service
     * @param serverPrincipal the server's principal name, or null
     * @return the authentication
     */
    public static RpcAuth of(Level level, Service service, String serverPrincipal) {
        return new RpcAuth(level, service, serverPrincipal, ImpersonationLevel.IMPERSONATE, null);
    }

    /** {@code RPC_C_AUTHN_LEVEL_*}. */
    public enum Level {
        /** The service's default. */
        DEFAULT(Rpcrt4Binding.RPC_C_AUTHN_LEVEL_DEFAULT),
        /** No authentication. */
        NONE(Rpcrt4Binding.RPC_C_AUTHN_LEVEL_NONE),
        /** Authenticated when the connection is made. */
        CONNECT(Rpcrt4Binding.RPC_C_AUTHN_LEVEL_CONNECT),
        /** Authenticated at each call. */
        CALL(Rpcrt4Binding.RPC_C_AUTHN_LEVEL_CALL),
        /** Every packet authenticated. */
        PKT(Rpcrt4Binding.RPC_C_AUTHN_LEVEL_PKT),
        /** Every packet signed. */
        PKT_INTEGRITY(Rpcrt4Binding.RPC_C_AUTHN_LEVEL_PKT_INTEGRITY),
        /** Every packet signed and encrypted. */
        PKT_PRIVACY(Rpcrt4Binding.RPC_C_AUTHN_LEVEL_PKT_PRIVACY);

        private final int value;

        Level(int value) {
            this.value = value;
        }

        /** {@return the SDK's value} */
        public int value() {
            return value;
        }

        /**
         * {@return its constant}
         *
         * @param value an {@code RPC_C_AUTHN_LEVEL_*}
         * @throws IllegalArgumentException if it is none of them
         */
        public static Level of(int value) {
            for (Level l : values()) {
                if (l.value == value) {
                    return l;
                }
            }
            throw new IllegalArgumentException("unknown authentication level " + value);
        }
    }

    /** {@code RPC_C_AUTHN_*}. */
    public enum Service {
        /** No authentication. */
        NONE(Rpcrt4Binding.RPC_C_AUTHN_NONE),
        /** SPNEGO: Kerberos or NTLM. */
        NEGOTIATE(Rpcrt4Binding.RPC_C_AUTHN_GSS_NEGOTIATE),
        /** NTLM. */
        WINNT(Rpcrt4Binding.RPC_C_AUTHN_WINNT),
        /** Schannel (TLS). */
        SCHANNEL(Rpcrt4Binding.RPC_C_AUTHN_GSS_SCHANNEL),
        /** Kerberos. */
        KERBEROS(Rpcrt4Binding.RPC_C_AUTHN_GSS_KERBEROS),
        /** The default service. */
        DEFAULT(Rpcrt4Binding.RPC_C_AUTHN_DEFAULT);

        private final int value;

        Service(int value) {
            this.value = value;
        }

        /** {@return the SDK's value} */
        public int value() {
            return value;
        }

        /**
         * {@return its constant, or null if it is none of them}
         *
         * @param value an {@code RPC_C_AUTHN_*}
         */
        public static Service ofOrNull(int value) {
            for (Service s : values()) {
                if (s.value == value) {
                    return s;
                }
            }
            return null;
        }
    }

    /** {@code RPC_C_IMP_LEVEL_*}: how far the server may act as the client. */
    public enum ImpersonationLevel {
        /** The default. */
        DEFAULT(Rpcrt4Binding.RPC_C_IMP_LEVEL_DEFAULT),
        /** The server cannot learn the client's identity. */
        ANONYMOUS(Rpcrt4Binding.RPC_C_IMP_LEVEL_ANONYMOUS),
        /** The server can learn, not use, the client's identity. */
        IDENTIFY(Rpcrt4Binding.RPC_C_IMP_LEVEL_IDENTIFY),
        /** The server can act as the client on its own machine. */
        IMPERSONATE(Rpcrt4Binding.RPC_C_IMP_LEVEL_IMPERSONATE),
        /** The server can act as the client on other machines too. */
        DELEGATE(Rpcrt4Binding.RPC_C_IMP_LEVEL_DELEGATE);

        private final int value;

        ImpersonationLevel(int value) {
            this.value = value;
        }

        /** {@return the SDK's value} */
        public int value() {
            return value;
        }
    }

    /**
     * Explicit credentials ({@code SEC_WINNT_AUTH_IDENTITY_W}). The password is a copy, wiped
     * (zeroed) by {@link RpcBinding} once the runtime has taken it, and by {@link #wipe()}.
     */
    public static final class Identity {
        private final String user;
        private final String domain;
        private final char[] password;

        /**
         * Makes explicit credentials from a copy of the password.
         *
         * @param user the user name
         * @param domain the domain or workgroup, or null
         * @param password the password; copied (the caller may wipe its own array)
         * @throws NullPointerException if user or password is null
         * @throws IllegalArgumentException if user is empty
         */
        public Identity(String user, String domain, char[] password) {
            this.user = Objects.requireNonNull(user, "user");
            if (user.isEmpty()) {
                throw new IllegalArgumentException("the user name is empty");
            }
            this.domain = domain;
            this.password = Objects.requireNonNull(password, "password").clone();
        }

        /** {@return the user name} */
        public String user() {
            return user;
        }

        /** {@return the domain, or null} */
        public String domain() {
            return domain;
        }

        /** @return a copy of the password (wipe it after use) */
        char[] password() {
            return password.clone();
        }

        /** {@return whether the password has been wiped} */
        public boolean isWiped() {
            for (char c : password) {
                if (c != 0) {
                    return false;
                }
            }
            return true;
        }

        /** Zeroes the password. */
        public void wipe() {
            Arrays.fill(password, '\0');
        }

        @Override
        public String toString() {
            return "Identity[" + (domain != null ? domain + "\\" : "") + user + ", password hidden]";
        }
    }
}
