// APC recorder, ARM64 AAPCS64 (x0 = pAsync, x1 = Context, w2 = Event). See README.md.
        .text
start:
        ldr   x9, lit_ring                      // x9 = ring
        ldp   w10, w11, [x9]                    // w10 = head, w11 = t = tail
        sub   w12, w11, w10                     // w12 = t - head
        cmp   w12, #1024                        // pending >= CAPACITY ?
        b.hs  full                              // yes: fallback
        and   w12, w11, #1023                   // slot index
        add   x13, x9, #8                       // x13 = slots
        add   x13, x13, x12, lsl #4             // slot = slots + idx * 16
        str   x0, [x13]                         // slot.pAsync = pAsync
        str   w2, [x13, #8]                     // slot.event = Event
        add   w11, w11, #1                      // t + 1
        str   w11, [x9, #4]                     // tail = t + 1 (last store)
        ret
full:
        ldr   x16, lit_fallback                 // x16 = fallback (IP0)
        br    x16                               // tail-jump, x0-x2 untouched
        .balign 8
lit_ring:     .quad 0                           // LIT_RING (patched by Java)
lit_fallback: .quad 0                           // LIT_FALLBACK (patched by Java)
