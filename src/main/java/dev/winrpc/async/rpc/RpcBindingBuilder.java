package dev.winrpc.async.rpc;

import com.sun.jna.Memory;
import com.sun.jna.ptr.PointerByReference;
import dev.winrpc.async.Deadline;
import dev.winrpc.async.RpcException;
import dev.winrpc.async.raw.RpcWstr;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds an {@link RpcBinding}: from a whole string binding, or from its parts (protocol
 * sequence, network address, endpoint, options, object UUID) composed with
 * {@code RpcStringBindingComposeW}; with an {@link RpcAuth}, a default call deadline and a
 * close timeout. Not thread-safe.
 */
public final class RpcBindingBuilder {
    private String stringBinding;
    private String protseq;
    private String address;
    private String endpoint;
    private UUID objectUuid;
    private final Map<String, String> options = new LinkedHashMap<>();
    private RpcAuth auth;
    private Deadline deadline = Deadline.none();
    private Duration closeTimeout = RpcBinding.DEFAULT_CLOSE_TIMEOUT;

    RpcBindingBuilder() {
    }

    /**
     * Makes the binding from a whole string binding instead of its parts.
     *
     * @param s the string binding
     * @return this
     * @throws NullPointerException if s is null
     * @throws IllegalArgumentException if s is empty or blank, or holds a NUL character
     */
    public RpcBindingBuilder stringBinding(String s) {
        Objects.requireNonNull(s, "stringBinding");
        if (s.isBlank()) {
            throw new IllegalArgumentException("the string binding is empty");
        }
        this.stringBinding = noNul(s, "string binding");
        return this;
    }

    /**
     * Sets the protocol sequence, e.g. {@code ncacn_ip_tcp}, {@code ncalrpc}.
     *
     * @param protseq the protocol sequence, e.g. {@code ncacn_ip_tcp}, {@code ncalrpc}
     * @return this
     * @throws IllegalArgumentException if it is empty or holds a NUL character
     */
    public RpcBindingBuilder protocolSequence(String protseq) {
        Objects.requireNonNull(protseq, "protseq");
        if (protseq.isBlank()) {
            throw new IllegalArgumentException("the protocol sequence is empty");
        }
        this.protseq = noNul(protseq, "protocol sequence");
        return this;
    }

    /**
     * Sets the network address (host name or IP address), or null for this machine.
     *
     * @param address the network address (host name or IP address), or null for this machine
     * @return this
     */
    public RpcBindingBuilder networkAddress(String address) {
        this.address = address == null ? null : noNul(address, "network address");
        return this;
    }

    /**
     * Sets the endpoint (a port, a pipe name, an LRPC name), or null for one the endpoint mapper resolves.
     *
     * @param endpoint the endpoint (a port, a pipe name, an LRPC name), or null for one
     *        the endpoint mapper resolves
     * @return this
     */
    public RpcBindingBuilder endpoint(String endpoint) {
        this.endpoint = endpoint == null ? null : noNul(endpoint, "endpoint");
        return this;
    }

    /**
     * Sets the object UUID, or null.
     *
     * @param uuid the object UUID, or null
     * @return this
     */
    public RpcBindingBuilder objectUuid(UUID uuid) {
        this.objectUuid = uuid;
        return this;
    }

    /**
     * A string binding option ({@code name=value}), e.g. {@code security=...} for ncalrpc.
     *
     * @param name the option's name
     * @param value its value
     * @return this
     * @throws IllegalArgumentException if the name is empty or holds {@code =} or {@code ,},
     *         or either holds a NUL character
     */
    public RpcBindingBuilder option(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf(',') >= 0) {
            throw new IllegalArgumentException("bad option name \"" + name + "\"");
        }
        options.put(noNul(name, "option name"), noNul(value, "option value"));
        return this;
    }

    /**
     * Sets the authentication to apply, or null for none.
     *
     * @param auth the authentication to apply, or null for none
     * @return this
     */
    public RpcBindingBuilder auth(RpcAuth auth) {
        this.auth = auth;
        return this;
    }

    /**
     * Sets the default deadline of calls made through {@link RpcBinding#call}.
     *
     * @param deadline the default deadline of calls made through {@link RpcBinding#call}
     * @return this
     */
    public RpcBindingBuilder deadline(Deadline deadline) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        return this;
    }

    /**
     * Sets how long {@link RpcBinding#close()} waits for calls in flight.
     *
     * @param timeout how long {@link RpcBinding#close()} waits for calls in flight
     * @return this
     * @throws IllegalArgumentException if it is negative
     */
    public RpcBindingBuilder closeTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative close timeout " + timeout);
        }
        this.closeTimeout = timeout;
        return this;
    }

    /**
     * Composes the string binding ({@code RpcStringBindingComposeW}) unless one was given,
     * makes the handle ({@code RpcBindingFromStringBindingW}) and applies the
     * authentication ({@code RpcBindingSetAuthInfoExW}). An identity's password is wiped
     * once applied.
     *
     * @return the binding
     * @throws IllegalStateException if neither a string binding nor a protocol sequence was
     *         given, or both were
     * @throws RpcException if the runtime refuses (nothing is left allocated)
     */
    public RpcBinding build() {
        if ((stringBinding == null) == (protseq == null)) {
            throw new IllegalStateException("give either a string binding or a protocol sequence");
        }
        String s = stringBinding != null ? stringBinding : compose();
        PointerByReference h = new PointerByReference();
        RpcException.check("RpcBindingFromStringBindingW", RpcBinding.raw().RpcBindingFromStringBindingW(RpcWstr.of(s), h));
        RpcBinding b = new RpcBinding(h.getValue(), deadline, closeTimeout);
        if (auth != null) {
            try {
                BindingAuth.apply(h.getValue(), auth);
            } catch (RuntimeException | Error e) {
                b.close();
                throw e;
            }
        }
        return b;
    }

    private String compose() {
        String opts = null;
        if (!options.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, String> e : options.entrySet()) {
                if (sb.length() > 0) {
                    sb.append(',');
                }
                sb.append(e.getKey()).append('=').append(e.getValue());
            }
            opts = sb.toString();
        }
        Memory uuid = RpcWstr.of(objectUuid == null ? null : objectUuid.toString());
        PointerByReference out = new PointerByReference();
        RpcException.check("RpcStringBindingComposeW", RpcBinding.raw().RpcStringBindingComposeW(uuid,
                RpcWstr.of(protseq), RpcWstr.of(address), RpcWstr.of(endpoint), RpcWstr.of(opts), out));
        return RpcBinding.takeString(out);
    }

    private static String noNul(String s, String what) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("the " + what + " holds a NUL character");
        }
        return s;
    }
}
