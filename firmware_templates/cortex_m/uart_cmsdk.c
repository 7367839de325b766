/*
 * Arm CMSDK APB UART (MPS2 AN386/AN500/AN505 and their FPGA images). Polled; no interrupts.
 * Register map from the CMSDK TRM (DDI 0479): DATA, STATE (bit0 TX full, bit1 RX full), CTRL (bit0 TX
 * enable, bit1 RX enable), BAUDDIV (>= 16). On AN505 (Cortex-M33, booting secure) the base is the
 * secure alias of UART0, 0x50200000; the non-secure alias 0x40200000 would fault from secure code.
 */
#include <stdint.h>

#include "ek_board.h"
#include "ek_board_config.h"

typedef struct {
    volatile uint32_t data;
    volatile uint32_t state;
    volatile uint32_t ctrl;
    volatile uint32_t intstatus;
    volatile uint32_t bauddiv;
} ek_cmsdk_uart_t;

#define EK_UART ((ek_cmsdk_uart_t *)EK_UART_BASE)
#define STATE_TX_FULL 0x1u
#define STATE_RX_FULL 0x2u

void ek_uart_init(void)
{
    uint32_t div = (uint32_t)(EK_UART_CLOCK_HZ / EK_UART_BAUD);
    EK_UART->bauddiv = div < 16u ? 16u : div;
    EK_UART->ctrl = 0x3u; /* TX and RX enable */
}

void ek_uart_putc(uint8_t c)
{
    while (EK_UART->state & STATE_TX_FULL) {
    }
    EK_UART->data = c;
}

int ek_uart_getc(void)
{
    while (!(EK_UART->state & STATE_RX_FULL)) {
    }
    return (int)(EK_UART->data & 0xFFu);
}
