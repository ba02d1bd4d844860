/*
 * sim_ndr.h - the simulator's generic call path: a call of any operation described by data,
 * with NDR's copy semantics (docs/idl.md, "The stub library"). The generated I_sim.c (class
 * SimulatorC of the IDL compiler) and test_ndr.c's hand-written tables include this header and
 * call the exports below; libwinrpcsim implements them in sim_ndr.c (the copies) and
 * sim_ndr_call.c (the call).
 *
 * A parameter's VALUE is what MIDL's C client stub receives for it (docs/idl.md, <params>): an
 * [in] base type or struct by value, any pointer, array or string as a pointer, a pipe as
 * `ASYNC_P *`. A client stub passes the ADDRESSES of its parameters, `void *args[]`, one per
 * parameter after the binding handle; the engine keeps what it needs of them.
 *
 * The copies, as NDR makes them:
 *   - at the call's start (the client stub, before it returns): every [in] and [in, out] value
 *     is deep-copied into memory of the server's (strings up to their NUL, conformant arrays of
 *     size_is elements, length_is of them copied, evaluated from the other parameter or field);
 *     a [unique] null stays null; a [ref] null is refused with RPC_X_NULL_REF_POINTER, bounds
 *     that are negative or a length_is above size_is with RPC_X_INVALID_BOUND (1734,
 *     RPC_S_INVALID_BOUND); the call does not start. [out]-only targets are allocated and
 *     zeroed (a conformant [out] array with size_is elements);
 *   - the manager routine is called through the EPV the server registered (one routine per
 *     operation, in operation order) by the operation's invoker, with the server's copies;
 *   - at the server's RpcAsyncCompleteCall the return value (ret_size bytes) and every [out]
 *     and [in, out] value are copied again (the reply; a [ref] null the server left in [out]
 *     data fails the call with RPC_X_NULL_REF_POINTER), and the server's copies are freed;
 *   - at the client's final RpcAsyncCompleteCall the reply is written into the client's memory:
 *     through each [out] / [in, out] top-level pointer into the caller's target, every embedded
 *     pointer (and an [out] string's block) a new block of sim_ndr_alloc (the stub library's
 *     I_Allocate), which the client frees with I_Free. An [in, out] value's old embedded blocks
 *     are replaced, not freed: they stay the caller's.
 * Pipes: at most one [in] and one [out] pipe parameter per operation (the call machinery has
 * two channels); their elements are elem->size bytes. Synchronous operations with pipes are
 * refused (RPC_S_CANNOT_SUPPORT).
 */
#ifndef SIM_NDR_H
#define SIM_NDR_H

#include "winrpcsim.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SIM_RPC_S_INVALID_BOUND 1734   /* RPC_X_INVALID_BOUND is RPC_S_INVALID_BOUND */
#define SIM_RPC_S_UNKNOWN_IF 1717
#define SIM_RPC_X_NULL_REF_POINTER 1780
#define SIM_RPC_S_OUT_OF_MEMORY 14     /* ERROR_OUTOFMEMORY */

/* Kinds of sim_ndr_type. */
enum {
    SIM_NDR_PRIM = 1,   /* size bytes of data; an integer if SIM_NDR_INTEGER */
    SIM_NDR_STRUCT,     /* fields; a last SIM_NDR_CONF_INLINE field makes it conformant */
    SIM_NDR_POINTER,    /* a pointer to one elem */
    SIM_NDR_STRING,     /* a pointer to NUL-terminated characters of count bytes (1 or 2) */
    SIM_NDR_FIXED,      /* count elems inline */
    SIM_NDR_CONF_PTR,   /* a pointer to size_is elems (length_is of them meaningful) */
    SIM_NDR_CONF_INLINE,/* size_is elems inline: a struct's last field */
    SIM_NDR_PIPE        /* a pointer to an ASYNC_P of elems (a parameter only) */
};

/* Flags of sim_ndr_type. */
#define SIM_NDR_UNIQUE 1u   /* a pointer kind that may be null ([unique]); else [ref] */
#define SIM_NDR_INTEGER 2u  /* a PRIM that size_is / length_is may name */
#define SIM_NDR_SIGNED 4u   /* ... and is signed */

/* A size_is / length_is expression: mul * v + add, v the integer value of parameter (or field)
 * number ref (deref: of the integer it points to). ref < 0: no expression. */
typedef struct sim_ndr_expr {
    int32_t ref;
    int32_t deref;
    int64_t mul, add;
} sim_ndr_expr;

typedef struct sim_ndr_type sim_ndr_type;

typedef struct sim_ndr_field {
    const char *name;
    uint32_t offset;
    const sim_ndr_type *type;
} sim_ndr_field;

struct sim_ndr_type {
    uint32_t kind;
    uint32_t flags;
    uint32_t size;   /* a value's C size (a conformant struct: up to its inline array) */
    uint32_t count;  /* FIXED: elements; STRING: bytes per character */
    const sim_ndr_type *elem;
    sim_ndr_expr size_is, length_is;  /* CONF_*: in the enclosing struct or parameter list */
    uint32_t nfields;
    const sim_ndr_field *fields;
};

/* Parameter directions. */
#define SIM_NDR_IN 1u
#define SIM_NDR_OUT 2u

typedef struct sim_ndr_param {
    const char *name;
    uint32_t dir;
    const sim_ndr_type *type;
} sim_ndr_param;

/* Calls manager routine fn (the EPV's member for the operation, cast back to its C signature
 * by the generated code) with the server's state, binding handle and values: args[i] is the
 * address of parameter i's value. */
typedef void (*sim_ndr_invoker)(void (*fn)(void), PRPC_ASYNC_STATE pAsync, void *h,
                                void *const *args);

typedef struct sim_ndr_op {
    const char *name;
    uint32_t ret_size;         /* 0 for void */
    uint32_t nparams;
    const sim_ndr_param *params;
    sim_ndr_invoker invoke;
} sim_ndr_op;

typedef struct sim_ndr_iface {
    const char *name;
    const void *ifspec;        /* what I_IfSpec() returns */
    uint32_t nops;
    const sim_ndr_op *ops;     /* in operation-number order */
} sim_ndr_iface;

/* An [async] operation's client stub: starts the call (status of the start, as docs/idl.md
 * says; the reply arrives through RpcAsyncCompleteCall). */
RPC_STATUS sim_ndr_start(const sim_ndr_iface *iface, uint32_t opnum, PRPC_ASYNC_STATE pAsync,
                         void *h, void *const *args);
/* A synchronous operation's client stub: the whole call on the calling thread; RPC_S_OK and
 * *pReturn (ret_size bytes; NULL allowed for void), or the call's failure status. */
RPC_STATUS sim_ndr_call_sync(const sim_ndr_iface *iface, uint32_t opnum, void *h,
                             void *const *args, void *pReturn);
/* The stub library's allocator (I_Allocate, I_Free). */
void *sim_ndr_alloc(size_t n);
void sim_ndr_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* SIM_NDR_H */
