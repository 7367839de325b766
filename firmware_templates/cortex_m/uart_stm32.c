/*
 * STM32 USART, polled. Two register layouts exist:
 *  - EK_STM32_USART_LEGACY (F1/F2/F4): SR 0x00, DR 0x04, BRR 0x08, CR1 0x0C (UE bit 13).
 *  - otherwise (L4/F7/G4/H7): CR1 0x00 (UE bit 0), BRR 0x0C, ISR 0x1C, RDR 0x24, TDR 0x28.
 * In both, TXE is bit 7 and RXNE bit 5 of the status register, TE bit 3 and RE bit 2 of CR1.
 * QEMU's STM32F405 USART drops bytes received while RE is clear, so RX is enabled here, before the
 * firmware prints its ready line. Clock gating and pin muxing are board specific: ek_board_pins_init()
 * is a weak hook a board file overrides (QEMU needs none).
 */
#include <stdint.h>

#include "ek_board.h"
#include "ek_board_config.h"

#define REG(off) (*(volatile uint32_t *)(EK_UART_BASE + (off)))
#define BIT_TXE (1u << 7)
#define BIT_RXNE (1u << 5)
#define BIT_TE (1u << 3)
#define BIT_RE (1u << 2)

#if EK_STM32_USART_LEGACY
#define SR REG(0x00)
#define RDR REG(0x04)
#define TDR REG(0x04)
#define BRR REG(0x08)
#define CR1 REG(0x0C)
#define BIT_UE (1u << 13)
#else
#define CR1 REG(0x00)
#define BRR REG(0x0C)
#define SR REG(0x1C)
#define RDR REG(0x24)
#define TDR REG(0x28)
#define BIT_UE (1u << 0)
#endif

__attribute__((weak)) void ek_board_pins_init(void)
{
}

void ek_uart_init(void)
{
    ek_board_pins_init();
    BRR = (uint32_t)((EK_UART_CLOCK_HZ + EK_UART_BAUD / 2u) / EK_UART_BAUD);
    CR1 = BIT_UE | BIT_TE | BIT_RE;
}

void ek_uart_putc(uint8_t c)
{
    while (!(SR & BIT_TXE)) {
    }
    TDR = c;
}

int ek_uart_getc(void)
{
    while (!(SR & BIT_RXNE)) {
    }
    return (int)(RDR & 0xFFu);
}
