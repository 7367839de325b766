/*
 * Program exit. Under QEMU (-semihosting-config enable=on,target=native) SYS_EXIT_EXTENDED ends the
 * emulator with the firmware's exit code, which tests check. On hardware without a debugger attached a
 * BKPT would fault, so the default build halts in a low-power loop instead.
 */
#include <stdint.h>

#include "ek_board.h"
#include "ek_board_config.h"

#define EK_SYS_EXIT_EXTENDED 0x20u
#define EK_ADP_STOPPED_APPLICATION_EXIT 0x20026u

void ek_board_exit(int code)
{
#if EK_SEMIHOSTING
    volatile uint32_t block[2] = {EK_ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
    register uint32_t r0 __asm("r0") = EK_SYS_EXIT_EXTENDED;
    register uint32_t r1 __asm("r1") = (uint32_t)(uintptr_t)block;
    __asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
#else
    (void)code;
#endif
    for (;;) {
        __asm volatile("wfi");
    }
}
