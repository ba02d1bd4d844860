/*
 * sim_ndr_internal.h - what sim_ndr.c (the copies of values described by sim_ndr_type) offers
 * sim_ndr_call.c (the generic call) and the call machinery's hooks (not exported).
 */
#ifndef SIM_NDR_INTERNAL_H
#define SIM_NDR_INTERNAL_H

#include "sim_internal.h"
#include "sim_ndr.h"

/* Where size_is / length_is expressions are evaluated: a parameter list (params, vals: the
 * addresses of the values) or, if st is set, the struct st at base. */
typedef struct ndr_frame {
    const sim_ndr_param *params;
    uint32_t nparams;
    void *const *vals;
    const sim_ndr_type *st;
    const unsigned char *base;
} ndr_frame;

/* The size_is and length_is of conformant kind t in frame f: RPC_S_OK, or
 * SIM_RPC_S_INVALID_BOUND (negative, length above size, too large), or
 * SIM_RPC_X_NULL_REF_POINTER (a *p expression with p null). */
SIM_HIDDEN RPC_STATUS ndr_bounds(const sim_ndr_type *t, const ndr_frame *f, uint32_t *size,
                                 uint32_t *length);
/* Deep-copies the value of t at src into dst (t->size bytes, zeroed by the caller, or the
 * caller's memory that every copied byte overwrites): new blocks for every pointer. On failure
 * dst holds what was copied so far, every pointer in it valid or null (ndr_free_deep frees it). */
SIM_HIDDEN RPC_STATUS ndr_copy(const sim_ndr_type *t, void *dst, const void *src,
                               const ndr_frame *f);
/* Copies the elements of conformant t (length_is of them, evaluated in f) from the array at src
 * into the array at dst, which holds at least size_is elements. */
SIM_HIDDEN RPC_STATUS ndr_copy_elems(const sim_ndr_type *t, void *dst, const void *src,
                                     const ndr_frame *f);
/* Frees the blocks the value of t at v points to (not v itself). */
SIM_HIDDEN void ndr_free_deep(const sim_ndr_type *t, void *v, const ndr_frame *f);
/* A new zeroed target for the [out]-only value of t at slot (a pointer kind), sized in f. */
SIM_HIDDEN RPC_STATUS ndr_alloc_out(const sim_ndr_type *t, void *slot, const ndr_frame *f);
/* The bytes of the string of w-byte characters at p, its NUL included. */
SIM_HIDDEN size_t ndr_string_bytes(const void *p, uint32_t w);
/* Whether a value of t holds pointers. */
SIM_HIDDEN int ndr_has_ptr(const sim_ndr_type *t);

#endif /* SIM_NDR_INTERNAL_H */
