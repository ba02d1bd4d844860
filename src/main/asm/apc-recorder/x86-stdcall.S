# APC recorder, 32-bit x86 stdcall ([esp+4] pAsync, [esp+8] Context, [esp+12] Event; ret 12). See README.md.
        .intel_syntax noprefix
        .text
start:
        call  here                              # push EIP of 'here'
here:
        pop   ecx                               # ecx = address of 'here'
        mov   eax, dword ptr [ecx + lit_ring - here]  # eax = ring
        mov   edx, dword ptr [eax + 4]          # edx = t = tail
        sub   edx, dword ptr [eax]              # edx = t - head
        cmp   edx, 1024                         # pending >= CAPACITY ?
        jae   full                              # yes: fallback
        mov   edx, dword ptr [eax + 4]          # edx = t
        and   edx, 1023                         # slot index
        lea   edx, [eax + edx * 8 + 8]          # edx = slot (2P = 8)
        mov   ecx, dword ptr [esp + 4]          # ecx = pAsync
        mov   dword ptr [edx], ecx              # slot.pAsync
        mov   ecx, dword ptr [esp + 12]         # ecx = Event
        mov   dword ptr [edx + 4], ecx          # slot.event
        inc   dword ptr [eax + 4]               # tail = t + 1 (last store)
        ret   12                                # stdcall: pop 3 args
full:
        jmp   dword ptr [ecx + lit_fallback - here]  # tail-jump, stack untouched
        .balign 4
lit_ring:     .long 0                           # LIT_RING (patched by Java)
lit_fallback: .long 0                           # LIT_FALLBACK (patched by Java)
