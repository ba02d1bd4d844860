/*
 * sim_ndr.c - NDR's copies of values described by sim_ndr_type (sim_ndr.h): deep copies with
 * size_is / length_is evaluated from the other parameter or field, [ref] nulls refused, and
 * their release; the stub library's allocator. No lock: these only read and write the memory
 * they are given.
 */
#include "sim_ndr_internal.h"

#include <stdlib.h>
#include <string.h>

#define NDR_MAX_BYTES (64u << 20) /* the largest block a copy allocates */

SIM_EXPORT void *sim_ndr_alloc(size_t n)
{
    return malloc(n == 0 ? 1 : n);
}

SIM_EXPORT void sim_ndr_free(void *p)
{
    free(p);
}

static int is_null_ok(const sim_ndr_type *t)
{
    return (t->flags & SIM_NDR_UNIQUE) != 0;
}

static RPC_STATUS read_int(const sim_ndr_type *t, const void *p, int64_t *out)
{
    if (t == NULL || t->kind != SIM_NDR_PRIM || !(t->flags & SIM_NDR_INTEGER))
        return SIM_RPC_S_INVALID_BOUND;
    int sgn = (t->flags & SIM_NDR_SIGNED) != 0;
    switch (t->size) {
    case 1: { uint8_t v; memcpy(&v, p, 1); *out = sgn ? (int64_t)(int8_t)v : (int64_t)v; break; }
    case 2: { uint16_t v; memcpy(&v, p, 2); *out = sgn ? (int64_t)(int16_t)v : (int64_t)v; break; }
    case 4: { uint32_t v; memcpy(&v, p, 4); *out = sgn ? (int64_t)(int32_t)v : (int64_t)v; break; }
    case 8: { int64_t v; memcpy(&v, p, 8); *out = v; break; }
    default: return SIM_RPC_S_INVALID_BOUND;
    }
    return RPC_S_OK;
}

static RPC_STATUS eval(const sim_ndr_expr *e, const ndr_frame *f, int64_t *out)
{
    const sim_ndr_type *t;
    const void *p;
    if (f->st != NULL) {
        if (e->ref < 0 || (uint32_t)e->ref >= f->st->nfields)
            return SIM_RPC_S_INVALID_BOUND;
        t = f->st->fields[e->ref].type;
        p = f->base + f->st->fields[e->ref].offset;
    } else {
        if (e->ref < 0 || (uint32_t)e->ref >= f->nparams || f->vals == NULL)
            return SIM_RPC_S_INVALID_BOUND;
        t = f->params[e->ref].type;
        p = f->vals[e->ref];
    }
    if (e->deref) {
        if (t->kind != SIM_NDR_POINTER)
            return SIM_RPC_S_INVALID_BOUND;
        const void *q;
        memcpy(&q, p, sizeof q);
        if (q == NULL)
            return SIM_RPC_X_NULL_REF_POINTER;
        t = t->elem;
        p = q;
    }
    int64_t v;
    RPC_STATUS st = read_int(t, p, &v);
    if (st != RPC_S_OK)
        return st;
    if (v > INT32_MAX || v < INT32_MIN)
        return SIM_RPC_S_INVALID_BOUND;
    *out = e->mul * v + e->add;
    return RPC_S_OK;
}

SIM_HIDDEN RPC_STATUS ndr_bounds(const sim_ndr_type *t, const ndr_frame *f, uint32_t *size,
                                 uint32_t *length)
{
    int64_t n, len;
    RPC_STATUS st = eval(&t->size_is, f, &n);
    if (st != RPC_S_OK)
        return st;
    len = n;
    if (t->length_is.ref >= 0 && (st = eval(&t->length_is, f, &len)) != RPC_S_OK)
        return st;
    uint64_t esz = t->elem->size == 0 ? 1 : t->elem->size;
    if (n < 0 || len < 0 || len > n || (uint64_t)n * esz > NDR_MAX_BYTES)
        return SIM_RPC_S_INVALID_BOUND;
    *size = (uint32_t)n;
    *length = (uint32_t)len;
    return RPC_S_OK;
}

SIM_HIDDEN int ndr_has_ptr(const sim_ndr_type *t)
{
    switch (t->kind) {
    case SIM_NDR_POINTER:
    case SIM_NDR_STRING:
    case SIM_NDR_CONF_PTR:
        return 1;
    case SIM_NDR_FIXED:
    case SIM_NDR_CONF_INLINE:
        return ndr_has_ptr(t->elem);
    case SIM_NDR_STRUCT:
        for (uint32_t i = 0; i < t->nfields; i++)
            if (ndr_has_ptr(t->fields[i].type))
                return 1;
        return 0;
    default:
        return 0;
    }
}

/* The conformant array field of struct t, if it ends with one. */
static const sim_ndr_field *inline_field(const sim_ndr_type *t)
{
    if (t->kind != SIM_NDR_STRUCT || t->nfields == 0)
        return NULL;
    const sim_ndr_field *fl = &t->fields[t->nfields - 1];
    return fl->type->kind == SIM_NDR_CONF_INLINE ? fl : NULL;
}

/* The bytes a block holding the value of t at src needs (a conformant struct: with its array). */
static RPC_STATUS value_size(const sim_ndr_type *t, const void *src, size_t *out)
{
    const sim_ndr_field *fl = inline_field(t);
    *out = t->size;
    if (fl == NULL)
        return RPC_S_OK;
    ndr_frame sf = {NULL, 0, NULL, t, src};
    uint32_t n, len;
    RPC_STATUS st = ndr_bounds(fl->type, &sf, &n, &len);
    if (st == RPC_S_OK)
        *out = (size_t)fl->offset + (size_t)n * fl->type->elem->size;
    return st;
}

static size_t str_chars(const void *p, uint32_t w)
{
    size_t n = 0;
    if (w == 2) {
        const unsigned char *q = p;
        while (q[2 * n] != 0 || q[2 * n + 1] != 0)
            n++;
    } else {
        n = strlen(p);
    }
    return n;
}

SIM_HIDDEN size_t ndr_string_bytes(const void *p, uint32_t w)
{
    return (str_chars(p, w) + 1) * w;
}

static RPC_STATUS copy_array(const sim_ndr_type *elem, unsigned char *dst,
                             const unsigned char *src, uint32_t count, const ndr_frame *f)
{
    if (!ndr_has_ptr(elem)) {
        memcpy(dst, src, (size_t)count * elem->size);
        return RPC_S_OK;
    }
    for (uint32_t i = 0; i < count; i++) {
        RPC_STATUS st = ndr_copy(elem, dst + (size_t)i * elem->size,
                                 src + (size_t)i * elem->size, f);
        if (st != RPC_S_OK)
            return st;
    }
    return RPC_S_OK;
}

static void *get_ptr(const void *slot)
{
    void *p;
    memcpy(&p, slot, sizeof p);
    return p;
}

static void set_ptr(void *slot, void *p)
{
    memcpy(slot, &p, sizeof p);
}

SIM_HIDDEN RPC_STATUS ndr_copy_elems(const sim_ndr_type *t, void *dst, const void *src,
                                     const ndr_frame *f)
{
    uint32_t n, len;
    RPC_STATUS st = ndr_bounds(t, f, &n, &len);
    if (st != RPC_S_OK)
        return st;
    return copy_array(t->elem, dst, src, len, f);
}

SIM_HIDDEN RPC_STATUS ndr_copy(const sim_ndr_type *t, void *dst, const void *src,
                               const ndr_frame *f)
{
    switch (t->kind) {
    case SIM_NDR_PRIM:
        memcpy(dst, src, t->size);
        return RPC_S_OK;
    case SIM_NDR_FIXED:
        return copy_array(t->elem, dst, src, t->count, f);
    case SIM_NDR_STRUCT: {
        ndr_frame sf = {NULL, 0, NULL, t, src};
        for (uint32_t i = 0; i < t->nfields; i++) {
            const sim_ndr_field *fl = &t->fields[i];
            RPC_STATUS st = fl->type->kind == SIM_NDR_CONF_INLINE
                                ? ndr_copy_elems(fl->type, (unsigned char *)dst + fl->offset,
                                                 (const unsigned char *)src + fl->offset, &sf)
                                : ndr_copy(fl->type, (unsigned char *)dst + fl->offset,
                                           (const unsigned char *)src + fl->offset, &sf);
            if (st != RPC_S_OK)
                return st;
        }
        return RPC_S_OK;
    }
    case SIM_NDR_POINTER:
    case SIM_NDR_STRING:
    case SIM_NDR_CONF_PTR:
        break;
    default: /* pipes are the call's business; inline arrays their struct's */
        return RPC_S_OK;
    }
    const void *p = get_ptr(src);
    set_ptr(dst, NULL);
    if (p == NULL)
        return is_null_ok(t) ? RPC_S_OK : SIM_RPC_X_NULL_REF_POINTER;
    if (t->kind == SIM_NDR_STRING) {
        size_t bytes = (str_chars(p, t->count) + 1) * t->count;
        if (bytes > NDR_MAX_BYTES)
            return SIM_RPC_S_INVALID_BOUND;
        void *q = malloc(bytes);
        if (q == NULL)
            return SIM_RPC_S_OUT_OF_MEMORY;
        memcpy(q, p, bytes);
        set_ptr(dst, q);
        return RPC_S_OK;
    }
    size_t bytes = 0;
    uint32_t n = 0, len = 0;
    RPC_STATUS st = t->kind == SIM_NDR_POINTER ? value_size(t->elem, p, &bytes)
                                               : ndr_bounds(t, f, &n, &len);
    if (st != RPC_S_OK)
        return st;
    if (t->kind == SIM_NDR_CONF_PTR)
        bytes = (size_t)n * t->elem->size;
    void *q = calloc(1, bytes == 0 ? 1 : bytes);
    if (q == NULL)
        return SIM_RPC_S_OUT_OF_MEMORY;
    set_ptr(dst, q);
    return t->kind == SIM_NDR_POINTER ? ndr_copy(t->elem, q, p, f)
                                      : copy_array(t->elem, q, p, len, f);
}

SIM_HIDDEN void ndr_free_deep(const sim_ndr_type *t, void *v, const ndr_frame *f)
{
    switch (t->kind) {
    case SIM_NDR_FIXED:
        if (ndr_has_ptr(t->elem))
            for (uint32_t i = 0; i < t->count; i++)
                ndr_free_deep(t->elem, (unsigned char *)v + (size_t)i * t->elem->size, f);
        return;
    case SIM_NDR_STRUCT: {
        ndr_frame sf = {NULL, 0, NULL, t, v};
        for (uint32_t i = 0; i < t->nfields; i++) {
            const sim_ndr_field *fl = &t->fields[i];
            unsigned char *fv = (unsigned char *)v + fl->offset;
            uint32_t n, len;
            if (fl->type->kind != SIM_NDR_CONF_INLINE)
                ndr_free_deep(fl->type, fv, &sf);
            else if (ndr_has_ptr(fl->type->elem) &&
                     ndr_bounds(fl->type, &sf, &n, &len) == RPC_S_OK)
                for (uint32_t k = 0; k < n; k++)
                    ndr_free_deep(fl->type->elem, fv + (size_t)k * fl->type->elem->size, &sf);
        }
        return;
    }
    case SIM_NDR_POINTER:
    case SIM_NDR_STRING:
    case SIM_NDR_CONF_PTR:
        break;
    default:
        return;
    }
    void *p = get_ptr(v);
    if (p == NULL)
        return;
    if (t->kind == SIM_NDR_POINTER) {
        ndr_free_deep(t->elem, p, f);
    } else if (t->kind == SIM_NDR_CONF_PTR && ndr_has_ptr(t->elem)) {
        uint32_t n, len;
        if (ndr_bounds(t, f, &n, &len) == RPC_S_OK)
            for (uint32_t k = 0; k < n; k++)
                ndr_free_deep(t->elem, (unsigned char *)p + (size_t)k * t->elem->size, f);
    }
    free(p);
    set_ptr(v, NULL);
}

SIM_HIDDEN RPC_STATUS ndr_alloc_out(const sim_ndr_type *t, void *slot, const ndr_frame *f)
{
    size_t bytes;
    set_ptr(slot, NULL);
    if (t->kind == SIM_NDR_POINTER) {
        bytes = t->elem->size;
    } else if (t->kind == SIM_NDR_CONF_PTR) {
        /* length_is of an [out] array is the server's to set: only size_is counts now */
        int64_t v;
        RPC_STATUS st = eval(&t->size_is, f, &v);
        if (st != RPC_S_OK)
            return st;
        if (v < 0 || (uint64_t)v * t->elem->size > NDR_MAX_BYTES)
            return SIM_RPC_S_INVALID_BOUND;
        bytes = (size_t)v * t->elem->size;
    } else {
        return RPC_S_OK; /* STRING: an [out] string is reached through a pointer */
    }
    void *q = calloc(1, bytes == 0 ? 1 : bytes);
    if (q == NULL)
        return SIM_RPC_S_OUT_OF_MEMORY;
    set_ptr(slot, q);
    return RPC_S_OK;
}
