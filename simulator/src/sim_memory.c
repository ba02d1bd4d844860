/*
 * sim_memory.c - kernel32's virtual memory functions, as far as winrpc-async uses them: a page
 * of this process reserved and committed at once (VirtualAllocEx with the current process's
 * pseudo-handle), its protection changed as a whole (VirtualProtect), released as a whole
 * (VirtualFreeEx with MEM_RELEASE), and FlushInstructionCache after code was written into it.
 * The library writes its APC recorder routine (machine code) into such a page.
 *
 * STRICT: only the current process (GetCurrentProcess()'s pseudo-handle), only MEM_COMMIT |
 * MEM_RESERVE at an address the system chooses, only whole regions protected or released, and
 * only the protections PAGE_READONLY, PAGE_READWRITE, PAGE_EXECUTE_READ and
 * PAGE_EXECUTE_READWRITE. Anything else fails with ERROR_INVALID_PARAMETER (or
 * ERROR_INVALID_HANDLE for another process) and is recorded in the misuse oracle, as is a
 * VirtualProtect without lpflOldProtect (Windows fails it too). Where the host refuses an
 * executable mapping (a hardened macOS process) the call fails with ERROR_NOT_SUPPORTED, not a
 * misuse: the caller must be ready for it.
 */
#include "sim_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define K_MEM_COMMIT 0x00001000u
#define K_MEM_RESERVE 0x00002000u
#define K_MEM_RELEASE 0x00008000u
#define K_PAGE_READONLY 0x02u
#define K_PAGE_READWRITE 0x04u
#define K_PAGE_EXECUTE_READ 0x20u
#define K_PAGE_EXECUTE_READWRITE 0x40u
#define K_ERROR_NOT_ENOUGH_MEMORY 8u
#define K_ERROR_NOT_SUPPORTED 50u

typedef struct region {
    struct region *next;
    char *base;
    size_t size;
    DWORD protect;
} region;

static pthread_mutex_t m_mu = PTHREAD_MUTEX_INITIALIZER;
static region *m_regions;

static int host_prot(DWORD protect)
{
    switch (protect) {
    case K_PAGE_READONLY: return PROT_READ;
    case K_PAGE_READWRITE: return PROT_READ | PROT_WRITE;
    case K_PAGE_EXECUTE_READ: return PROT_READ | PROT_EXEC;
    case K_PAGE_EXECUTE_READWRITE: return PROT_READ | PROT_WRITE | PROT_EXEC;
    default: return -1;
    }
}

static int fail(DWORD error)
{
    sim_set_last_error(error);
    return 0;
}

static int own_process(const char *fn, HANDLE hProcess)
{
    if (hProcess == SIM_PSEUDO_PROCESS)
        return 1;
    sim_misuse(SIM_MISUSE_INVALID_HANDLE, "%s: process handle %p (the simulator serves "
               "GetCurrentProcess() only)", fn, hProcess);
    return fail(SIM_ERROR_INVALID_HANDLE);
}

/* Under m_mu: the region that starts at p, or NULL. */
static region **find_locked(const void *p)
{
    for (region **r = &m_regions; *r != NULL; r = &(*r)->next)
        if ((*r)->base == p)
            return r;
    return NULL;
}

SIM_EXPORT void *VirtualAllocEx(HANDLE hProcess, void *lpAddress, size_t dwSize,
                                DWORD flAllocationType, DWORD flProtect)
{
    if (!own_process("VirtualAllocEx", hProcess))
        return NULL;
    int prot = host_prot(flProtect);
    if (lpAddress != NULL || dwSize == 0 || flAllocationType != (K_MEM_COMMIT | K_MEM_RESERVE) ||
        prot < 0) {
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "VirtualAllocEx: address %p, size %zu, type 0x%x, "
                   "protect 0x%x (the simulator allocates MEM_COMMIT | MEM_RESERVE at an address "
                   "of its choice, with PAGE_READONLY, _READWRITE, _EXECUTE_READ or "
                   "_EXECUTE_READWRITE)", lpAddress, dwSize, (unsigned)flAllocationType,
                   (unsigned)flProtect);
        fail(SIM_ERROR_INVALID_PARAMETER);
        return NULL;
    }
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t size = (dwSize + page - 1) / page * page;
    region *r = malloc(sizeof *r);
    if (r == NULL) {
        fail(K_ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    void *p = mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        free(r);
        fail(errno == ENOMEM ? K_ERROR_NOT_ENOUGH_MEMORY : K_ERROR_NOT_SUPPORTED);
        return NULL;
    }
    r->base = p;
    r->size = size;
    r->protect = flProtect;
    pthread_mutex_lock(&m_mu);
    r->next = m_regions;
    m_regions = r;
    pthread_mutex_unlock(&m_mu);
    return p;
}

SIM_EXPORT BOOL VirtualProtect(void *lpAddress, size_t dwSize, DWORD flNewProtect,
                               DWORD *lpflOldProtect)
{
    int prot = host_prot(flNewProtect);
    pthread_mutex_lock(&m_mu);
    region **rp = find_locked(lpAddress);
    region *r = rp != NULL ? *rp : NULL;
    if (r == NULL || prot < 0 || lpflOldProtect == NULL || dwSize == 0 || dwSize > r->size) {
        pthread_mutex_unlock(&m_mu);
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "VirtualProtect: address %p, size %zu, protect 0x%x, "
                   "lpflOldProtect %p (the simulator changes a whole region it allocated; "
                   "lpflOldProtect is required)", lpAddress, dwSize, (unsigned)flNewProtect,
                   (void *)lpflOldProtect);
        return fail(SIM_ERROR_INVALID_PARAMETER);
    }
    if (mprotect(r->base, r->size, prot) != 0) {
        pthread_mutex_unlock(&m_mu);
        return fail(K_ERROR_NOT_SUPPORTED);
    }
    *lpflOldProtect = r->protect;
    r->protect = flNewProtect;
    pthread_mutex_unlock(&m_mu);
    return 1;
}

SIM_EXPORT BOOL VirtualFreeEx(HANDLE hProcess, void *lpAddress, size_t dwSize, DWORD dwFreeType)
{
    if (!own_process("VirtualFreeEx", hProcess))
        return 0;
    pthread_mutex_lock(&m_mu);
    region **rp = find_locked(lpAddress);
    if (rp == NULL || dwSize != 0 || dwFreeType != K_MEM_RELEASE) {
        pthread_mutex_unlock(&m_mu);
        sim_misuse(SIM_MISUSE_BAD_ARGUMENT, "VirtualFreeEx: address %p, size %zu, type 0x%x (MEM_"
                   "RELEASE of a region's base with size 0 is what releases it)", lpAddress,
                   dwSize, (unsigned)dwFreeType);
        return fail(SIM_ERROR_INVALID_PARAMETER);
    }
    region *r = *rp;
    *rp = r->next;
    pthread_mutex_unlock(&m_mu);
    munmap(r->base, r->size);
    free(r);
    return 1;
}

SIM_EXPORT BOOL FlushInstructionCache(HANDLE hProcess, const void *lpBaseAddress, size_t dwSize)
{
    if (!own_process("FlushInstructionCache", hProcess))
        return 0;
    if (lpBaseAddress != NULL && dwSize != 0)
        __builtin___clear_cache((char *)lpBaseAddress, (char *)lpBaseAddress + dwSize);
    return 1;
}
