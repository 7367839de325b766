/*
 * nRF52 UARTE (EasyDMA UART), polled one byte at a time. Register offsets from the nRF52840 product
 * specification (UARTE section): tasks at 0x000.., events at 0x100.., ENABLE 0x500 (8 = UARTE),
 * PSEL.TXD 0x50C, PSEL.RXD 0x514, BAUDRATE 0x524, RXD.PTR/MAXCNT 0x534/0x538, TXD.PTR/MAXCNT 0x544/0x548.
 * EasyDMA reads and writes RAM only, so both one-byte buffers are static (in .bss).
 * Compile-checked here; QEMU has no nRF52 machine.
 */
#include <stdint.h>

#include "ek_board.h"
#include "ek_board_config.h"

#define REG(off) (*(volatile uint32_t *)(EK_UART_BASE + (off)))
#define TASKS_STARTRX REG(0x000)
#define TASKS_STARTTX REG(0x008)
#define EVENTS_ENDRX REG(0x110)
#define EVENTS_ENDTX REG(0x120)
#define ENABLE REG(0x500)
#define PSEL_TXD REG(0x50C)
#define PSEL_RXD REG(0x514)
#define BAUDRATE REG(0x524)
#define RXD_PTR REG(0x534)
#define RXD_MAXCNT REG(0x538)
#define TXD_PTR REG(0x544)
#define TXD_MAXCNT REG(0x548)
#define CONFIG REG(0x56C)

#ifndef EK_NRF_TX_PIN
#define EK_NRF_TX_PIN 6u /* nRF52840-DK: P0.06 to the interface MCU's VCOM */
#endif
#ifndef EK_NRF_RX_PIN
#define EK_NRF_RX_PIN 8u /* P0.08 */
#endif

static volatile uint8_t tx_byte;
static volatile uint8_t rx_byte;

static uint32_t baud_register(uint32_t baud)
{
    switch (baud) {
    case 9600u: return 0x00275000u;
    case 57600u: return 0x00EB0000u;
    case 230400u: return 0x03B00000u;
    case 460800u: return 0x07400000u;
    case 921600u: return 0x0F000000u;
    case 1000000u: return 0x10000000u;
    default: return 0x01D60000u; /* 115200, as the product specification lists it */
    }
}

static void start_rx(void)
{
    EVENTS_ENDRX = 0u;
    RXD_PTR = (uint32_t)(uintptr_t)&rx_byte;
    RXD_MAXCNT = 1u;
    TASKS_STARTRX = 1u;
}

void ek_uart_init(void)
{
    PSEL_TXD = EK_NRF_TX_PIN;
    PSEL_RXD = EK_NRF_RX_PIN;
    BAUDRATE = baud_register(EK_UART_BAUD);
    CONFIG = 0u; /* 8N1, no flow control */
    ENABLE = 8u;
    start_rx();
}

void ek_uart_putc(uint8_t c)
{
    tx_byte = c;
    EVENTS_ENDTX = 0u;
    TXD_PTR = (uint32_t)(uintptr_t)&tx_byte;
    TXD_MAXCNT = 1u;
    TASKS_STARTTX = 1u;
    while (EVENTS_ENDTX == 0u) {
    }
}

int ek_uart_getc(void)
{
    while (EVENTS_ENDRX == 0u) {
    }
    int c = rx_byte;
    start_rx();
    return c;
}
