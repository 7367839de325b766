/*
 * DWT cycle counter, for hardware (Cortex-M3/M4/M7/M33 with the DWT unit). QEMU does not implement it
 * (CYCCNT reads 0), which is why emulated targets use timer_systick.c. The 32-bit counter is extended
 * to 64 bits on every read; reads happen at least once per inference, far more often than a wrap.
 */
#include <stdint.h>

#include "ek_board.h"
#include "ek_board_config.h"

#define DEMCR (*(volatile uint32_t *)0xE000EDFCu)
#define DWT_CTRL (*(volatile uint32_t *)0xE0001000u)
#define DWT_CYCCNT (*(volatile uint32_t *)0xE0001004u)
#define DWT_LAR (*(volatile uint32_t *)0xE0001FB0u)

static uint32_t last;
static uint64_t high;

void ek_timer_init(void)
{
    DEMCR |= (1u << 24); /* TRCENA */
    DWT_LAR = 0xC5ACCE55u; /* unlock on cores that have a lock (M7); ignored elsewhere */
    DWT_CYCCNT = 0u;
    DWT_CTRL |= 1u;
    last = 0u;
    high = 0u;
}

uint64_t ek_timer_read(void)
{
    uint32_t now = DWT_CYCCNT;
    if (now < last) {
        high += (uint64_t)1 << 32;
    }
    last = now;
    return high + now;
}

uint32_t ek_timer_region_begin(void)
{
    (void)ek_timer_read(); /* keep the 64-bit extension current */
    __asm volatile("cpsid i" ::: "memory");
    return DWT_CYCCNT;
}

uint32_t ek_timer_region_end(uint32_t begin)
{
    uint32_t now = DWT_CYCCNT;
    __asm volatile("cpsie i" ::: "memory");
    return now - begin;
}
