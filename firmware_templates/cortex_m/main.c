/*
 * Firmware entry: bring up the UART and timer, initialise the generated model, print "m-ready" and
 * serve the host protocol forever. All model access goes through model.h (MODEL_API.md).
 *
 * Test builds can inject faults with EK_INJECT_* macros (see README.md), so the host's recovery code
 * is exercised against this real firmware rather than against a simulation of it.
 */
#include <stdint.h>
#include <string.h>

#include "ek_board.h"
#include "ek_board_config.h"
#include "ek_protocol.h"
#include "model.h"

static uint8_t db_buffer[EK_DB_BYTES];
static ek_protocol_t protocol;

#if defined(EK_INJECT_RESET_AT) || defined(EK_INJECT_STALL_AT)
/* Survives a warm reset (not zeroed, not loaded), so an injected reset happens once per power-on. */
static uint32_t inject_magic __attribute__((section(".noinit")));
static uint32_t inferences_run __attribute__((section(".noinit")));
#define INJECT_MAGIC 0x45B0A7C1u
#endif

static void uart_write(void *user, const char *s, size_t n)
{
    (void)user;
    for (size_t i = 0; i < n; i++) {
        ek_uart_putc((uint8_t)s[i]);
    }
}

static uint64_t now_ticks(void *user)
{
    (void)user;
    return ek_timer_read();
}

static void inject_faults(void)
{
#if defined(EK_INJECT_RESET_AT) || defined(EK_INJECT_STALL_AT)
    inferences_run++;
#endif
#ifdef EK_INJECT_EXIT_AT
    static uint32_t exit_count;
    if (++exit_count == (uint32_t)EK_INJECT_EXIT_AT) {
        ek_board_exit(7); /* semihosting: QEMU exits with code 7 */
    }
#endif
#ifdef EK_INJECT_RESET_AT
    if (inferences_run == (uint32_t)EK_INJECT_RESET_AT) {
        /* SCB AIRCR SYSRESETREQ: the whole board resets, as a brown-out or watchdog would. */
        *(volatile uint32_t *)0xE000ED0Cu = 0x05FA0004u;
        for (;;) {
        }
    }
#endif
#ifdef EK_INJECT_STALL_AT
    if (inferences_run == (uint32_t)EK_INJECT_STALL_AT) {
        for (;;) {
        }
    }
#endif
#ifdef EK_INJECT_GARBAGE
    static const char junk[] = {'\xfe', '\x00', 'z', '#', '\xff', '\r', '\n', '\x81', 'q'};
    uart_write(NULL, junk, sizeof(junk));
#endif
}

static int32_t infer(void *user, const uint8_t *in, uint32_t n, uint32_t *ticks)
{
    (void)user;
    inject_faults();
    uint32_t off = 0;
    /* Inputs are rewritten before every invoke: the planner may reuse their bytes for activations. */
    for (int32_t i = 0; i < EK_MODEL_NUM_INPUTS; i++) {
        uint8_t *dst = (uint8_t *)ek_model_input(i);
        uint32_t size = (uint32_t)ek_model_inputs[i].bytes;
        uint32_t have = off < n ? n - off : 0u;
        uint32_t take = have < size ? have : size;
        memcpy(dst, in + off, take);
        memset(dst + take, 0, size - take);
        off += size;
    }
    uint32_t begin = ek_timer_region_begin();
    ek_status_t st = ek_model_invoke();
    *ticks = ek_timer_region_end(begin);
    return (int32_t)st;
}

static int32_t output(void *user, int32_t k, const uint8_t **data, int32_t *bytes, int32_t *dtype, float *scale,
                      int32_t *zero_point)
{
    (void)user;
    if (k < 0 || k >= EK_MODEL_NUM_OUTPUTS) {
        return 1;
    }
    const ek_tensor_info_t *info = &ek_model_outputs[k];
    *data = (const uint8_t *)ek_model_output(k);
    *bytes = info->bytes;
    *dtype = (int32_t)info->dtype;
    *scale = info->scale;
    *zero_point = info->zero_point;
    return 0;
}

#ifdef EK_PROFILE_OPS
/* Per-op profile through MODEL_API's op hook. The hook's own instructions are counted in the inference
 * total while it is built in, so profile builds are for finding hot ops, not for headline figures. */
static uint64_t op_ticks[EK_MODEL_NUM_OPS];
static uint64_t op_start;

static void op_hook(int32_t op_index, const char *op_name, int32_t phase, void *user)
{
    (void)op_name;
    (void)user;
    uint64_t now = ek_timer_read();
    if (op_index < 0 || op_index >= EK_MODEL_NUM_OPS) {
        return;
    }
    if (phase == 0) {
        op_start = now;
    } else {
        op_ticks[op_index] = now - op_start;
    }
}

static int32_t op_profile(void *user, int32_t k, const char **name, uint64_t *ticks)
{
    (void)user;
    if (k < 0 || k >= EK_MODEL_NUM_OPS) {
        return 1;
    }
    *name = ek_model_op_names[k];
    *ticks = op_ticks[k];
    return 0;
}
#endif

static const ek_device_t device = {
    .user = NULL,
    .write = uart_write,
    .now_ticks = now_ticks,
    .infer = infer,
    .output = output,
    .num_outputs = EK_MODEL_NUM_OUTPUTS,
#ifdef EK_PROFILE_OPS
    .op_profile = op_profile,
#else
    .op_profile = NULL,
#endif
    .db = db_buffer,
    .db_capacity = EK_DB_BYTES,
    .device_name = EK_DEVICE_NAME,
    .model_name = EK_MODEL_NAME,
    .model_hash = EK_MODEL_HASH,
    .arena_bytes = EK_MODEL_ARENA_BYTES,
    .ticks_per_second = EK_TIMER_HZ,
    .units_per_tick_num = EK_UNITS_PER_TICK_NUM,
    .units_per_tick_den = EK_UNITS_PER_TICK_DEN,
    .units = EK_UNITS,
};

int main(void)
{
#if defined(EK_INJECT_RESET_AT) || defined(EK_INJECT_STALL_AT)
    if (inject_magic != INJECT_MAGIC) {
        inject_magic = INJECT_MAGIC;
        inferences_run = 0;
    }
#endif
    ek_uart_init();
    ek_timer_init();
    ek_protocol_init(&protocol, &device);
    uint32_t need = 0;
    for (int32_t i = 0; i < EK_MODEL_NUM_INPUTS; i++) {
        need += (uint32_t)ek_model_inputs[i].bytes;
    }
    ek_status_t st = ek_model_init();
#ifdef EK_PROFILE_OPS
    ek_model_set_op_hook(op_hook, NULL);
#endif
    if (st != EK_OK || need > EK_DB_BYTES) {
        static const char msg[] = "e-[model initialisation failed]\r\n";
        uart_write(NULL, msg, sizeof(msg) - 1u);
        return 1;
    }
    ek_protocol_ready(&protocol); /* the only line printed unasked: after the receiver is enabled */
    for (;;) {
        ek_protocol_feed(&protocol, (uint8_t)ek_uart_getc());
    }
}
