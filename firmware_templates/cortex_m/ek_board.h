/*
 * Board support interface: one UART, one timer, a way to end the program. Each driver file implements
 * part of it (uart_<driver>.c, timer_<kind>.c, semihost.c); the packaged Makefile picks one of each
 * from the target definition, so main.c never sees a register address.
 */
#ifndef EK_BOARD_H
#define EK_BOARD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* UART, polled. ek_uart_init enables TX and RX before returning: the STM32 USART model in QEMU drops
 * bytes that arrive before RX is enabled, so nothing may be printed before this call. */
void ek_uart_init(void);
void ek_uart_putc(uint8_t c);
int ek_uart_getc(void); /* blocks until one byte arrives; returns it (0..255) */

/* Timer. ek_timer_read() is a free-running count in timer ticks, extended to 64 bits by the driver. */
void ek_timer_init(void);
uint64_t ek_timer_read(void);
/* A timed region runs with interrupts masked so the count is deterministic under QEMU -icount. */
uint32_t ek_timer_region_begin(void);
uint32_t ek_timer_region_end(uint32_t begin); /* ticks spent since begin; <= one wrap of the hardware */

/* Ends the program (semihosting SYS_EXIT_EXTENDED under QEMU; a halt loop on hardware). */
void ek_board_exit(int code) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif /* EK_BOARD_H */
