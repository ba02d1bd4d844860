package dev.winrpc.async.raw;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * {@code SEC_WINNT_AUTH_IDENTITY_W} (rpcdce.h, sspi.h): explicit credentials for
 * {@link Rpcrt4Binding#RpcBindingSetAuthInfoExW}'s {@code AuthIdentity}. The strings are
 * UTF-16 and not necessarily NUL-terminated: each length counts characters, without a NUL.
 * 28 bytes on 32-bit Windows, 48 on 64-bit.
 *
 * <p><b>Lifetime.</b> With {@link Rpcrt4Binding#RPC_C_QOS_IDENTITY_STATIC} (the default) the
 * runtime copies the identity during the call; with dynamic tracking it may read it again on
 * later calls, so the memory must then outlive the binding.
 *
 * @see <a href="https://learn.microsoft.com/windows/win32/api/rpcdce/ns-rpcdce-sec_winnt_auth_identity_w">SEC_WINNT_AUTH_IDENTITY_W</a>
 */
@FieldOrder({"User", "UserLength", "Domain", "DomainLength", "Password", "PasswordLength", "Flags"})
public class SEC_WINNT_AUTH_IDENTITY_W extends Structure {
    /** The user name (UTF-16). */
    public Pointer User;
    /** Characters in User, without a NUL. */
    public int UserLength;
    /** The domain or workgroup (UTF-16), or NULL. */
    public Pointer Domain;
    /** Characters in Domain, without a NUL. */
    public int DomainLength;
    /** The password (UTF-16). */
    public Pointer Password;
    /** Characters in Password, without a NUL. */
    public int PasswordLength;
    /** {@link Rpcrt4Binding#SEC_WINNT_AUTH_IDENTITY_UNICODE} for these W strings. */
    public int Flags = Rpcrt4Binding.SEC_WINNT_AUTH_IDENTITY_UNICODE;

    /** A structure in its own memory, zeroed. */
    public SEC_WINNT_AUTH_IDENTITY_W() {
        super();
    }
}
