/*
 * Reset and exception entry for every Cortex-M target: a hand-written vector table, .data copied from
 * flash, .bss zeroed, the FPU switched on when the core has one, then main(). Symbols come from the
 * linker script edgekit generates from the target's memory map (linker.ld).
 */
#include <stdint.h>

#include "ek_board.h"
#include "ek_board_config.h"

extern uint32_t __etext_data[]; /* load address of .data in flash */
extern uint32_t __data_start__[];
extern uint32_t __data_end__[];
extern uint32_t __bss_start__[];
extern uint32_t __bss_end__[];
extern uint32_t __stack_top__[];

int main(void);
void Reset_Handler(void);
void Default_Handler(void);
void HardFault_Handler(void);
void SysTick_Handler(void) __attribute__((weak, alias("Default_Handler")));
void NMI_Handler(void) __attribute__((weak, alias("Default_Handler")));
void MemManage_Handler(void) __attribute__((weak, alias("HardFault_Handler")));
void BusFault_Handler(void) __attribute__((weak, alias("HardFault_Handler")));
void UsageFault_Handler(void) __attribute__((weak, alias("HardFault_Handler")));
void SecureFault_Handler(void) __attribute__((weak, alias("HardFault_Handler")));
void SVC_Handler(void) __attribute__((weak, alias("Default_Handler")));
void DebugMon_Handler(void) __attribute__((weak, alias("Default_Handler")));
void PendSV_Handler(void) __attribute__((weak, alias("Default_Handler")));

/* 16 system entries; no device interrupts are used (the UART and timer are polled or SysTick). */
__attribute__((section(".isr_vector"), used)) void (*const ek_vectors[16])(void) = {
    (void (*)(void))__stack_top__,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    SecureFault_Handler, /* reserved before ARMv8-M */
    0,
    0,
    0,
    SVC_Handler,
    DebugMon_Handler,
    0,
    PendSV_Handler,
    SysTick_Handler,
};

#define EK_SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define EK_SCB_VTOR (*(volatile uint32_t *)0xE000ED08u)

__attribute__((noreturn)) void Reset_Handler(void)
{
    uint32_t *src = __etext_data;
    for (uint32_t *dst = __data_start__; dst < __data_end__;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = __bss_start__; dst < __bss_end__;) {
        *dst++ = 0u;
    }
#if EK_HAS_VTOR
    /* Boot ROMs and QEMU's mps2-tz start from their own vector base; point VTOR at ours for SysTick. */
    EK_SCB_VTOR = (uint32_t)(uintptr_t)ek_vectors;
#endif
#if EK_HAS_FPU
    /* CP10 and CP11 full access; must precede the first floating-point instruction (hard-float ABI). */
    EK_SCB_CPACR |= (0xFu << 20);
    __asm volatile("dsb\n\tisb" ::: "memory");
#endif
    int rc = main();
    ek_board_exit(rc);
}

/* A fault ends the program with code 3 under QEMU (so a test fails fast) and halts on hardware. */
void HardFault_Handler(void)
{
    ek_board_exit(3);
}

void Default_Handler(void)
{
    ek_board_exit(4);
}
