# APC recorder, x64 System V (rdi = pAsync, rsi = Context, edx = Event). See README.md.
        .intel_syntax noprefix
        .text
start:
        mov   rax, qword ptr [rip + lit_ring]   # rax = ring
        mov   r9d, dword ptr [rax + 4]          # r9d = t = tail
        mov   r10d, r9d                         # r10d = t
        sub   r10d, dword ptr [rax]             # r10d = t - head
        cmp   r10d, 1024                        # pending >= CAPACITY ?
        jae   full                              # yes: fallback, args untouched
        mov   r10d, r9d                         # r10d = t
        and   r10d, 1023                        # slot index
        shl   r10, 4                            # * 16 (2P)
        mov   qword ptr [rax + r10 + 8], rdi    # slot.pAsync = pAsync
        mov   dword ptr [rax + r10 + 16], edx   # slot.event = Event
        inc   r9d                               # t + 1
        mov   dword ptr [rax + 4], r9d          # tail = t + 1 (last store)
        ret
full:
        jmp   qword ptr [rip + lit_fallback]    # tail-jump to fallback
        .balign 8
lit_ring:     .quad 0                           # LIT_RING (patched by Java)
lit_fallback: .quad 0                           # LIT_FALLBACK (patched by Java)
