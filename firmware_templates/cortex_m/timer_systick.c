/*
 * SysTick timer, for QEMU run with -icount shift=0: each instruction advances virtual time by 1 ns and
 * SysTick counts the CPU clock, so the tick count over a region with interrupts masked is a function of
 * the instructions executed (mps2-an386: 25 MHz, 1 tick = 40 instructions). It is reported as
 * instructions, never as cycles: QEMU does not model pipeline timing.
 *
 * The counter is restarted at the start of every timed region. Without that, the tick phase at the
 * start depends on how long the firmware polled the UART (i.e. on the host's wall-clock timing) and
 * the same inference reads one tick more or less from run to run; restarting makes the phase a
 * function of the instruction stream only, so two runs report identical counts.
 * A wrap interrupt plus a 64-bit base extends the 24-bit counter for timestamps.
 * Limit: a timed region sees at most one wrap (the pending flag), so one inference must stay below
 * 2 * 2^24 ticks (1.34 G instructions on mps2-an386); the MLPerf Tiny models need at most ~30 M.
 */
#include <stdint.h>

#include "ek_board.h"
#include "ek_board_config.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define ICSR_PENDSTSET (1u << 26)
#define ICSR_PENDSTCLR (1u << 25)
#define RELOAD 0x00FFFFFFu
#define PERIOD (RELOAD + 1u)

static volatile uint32_t wraps;
static uint64_t base;

void SysTick_Handler(void)
{
    wraps++;
}

/* Ticks since the last restart within the current period: CVR is 0 right after a restart, then
 * RELOAD, RELOAD-1, ... 1, and 0 again when it wraps (which also pends the interrupt). */
static uint32_t position(uint32_t v)
{
    return v == 0u ? 0u : PERIOD - v;
}

static void restart(void)
{
    SYST_CSR = 0u;
    SYST_RVR = RELOAD;
    SYST_CVR = 0u; /* clears the counter and COUNTFLAG */
    SCB_ICSR = ICSR_PENDSTCLR;
    wraps = 0u;
    SYST_CSR = 0x7u; /* processor clock, wrap interrupt, enable */
}

void ek_timer_init(void)
{
    base = 0u;
    restart();
}

/* Caller has interrupts masked. */
static uint64_t read_masked(void)
{
    uint32_t w = wraps;
    uint32_t v = SYST_CVR;
    if (SCB_ICSR & ICSR_PENDSTSET) {
        v = SYST_CVR; /* wrapped, handler not yet run: re-read so value and wrap count agree */
        w++;
    }
    return base + (uint64_t)w * PERIOD + position(v);
}

uint64_t ek_timer_read(void)
{
    uint32_t primask;
    __asm volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    uint64_t now = read_masked();
    __asm volatile("msr primask, %0" ::"r"(primask) : "memory");
    return now;
}

uint32_t ek_timer_region_begin(void)
{
    __asm volatile("cpsid i" ::: "memory");
    base = read_masked();
    restart();
    return 0u;
}

uint32_t ek_timer_region_end(uint32_t begin)
{
    (void)begin;
    uint32_t v = SYST_CVR;
    uint32_t ticks = position(v);
    if (SCB_ICSR & ICSR_PENDSTSET) {
        ticks = position(SYST_CVR) + PERIOD; /* one wrap; the handler counts it once unmasked */
    }
    __asm volatile("cpsie i" ::: "memory");
    return ticks;
}
